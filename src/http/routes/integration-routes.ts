import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { ApiError } from '../../core/errors/api-error.js';
import { parseIntegrationType, integrationTypes, type IntegrationType } from '../../delivery/integration-type.js';
import { configProblems } from '../../delivery/preferences/config-problems.js';
import { loadRecipients } from '../../delivery/preferences/load-recipients.js';
import { resolveEffectiveConfigs } from '../../delivery/preferences/resolve-effective-config.js';
import { saveUserOverride, type OverrideFields, type SaveOverrideOutcome } from '../../delivery/preferences/save-user-override.js';
import { deleteUserOverrides } from '../../store/user-integrations/delete-user-overrides.js';
import { updateIntegrationDefault } from '../../store/integration-defaults/update-integration-default.js';
import { requireAdminKey } from '../admin-auth.js';
import type { AppDeps } from '../app-deps.js';
import { CreateOverrideBody, IntegrationTypeParams, UpdateDefaultBody, UpdateOverrideBody, UserIdParams, UserIntegrationParams } from '../schemas/delivery-schemas.js';
import { effectiveConfigView, integrationDefaultView, userOverrideView } from '../views/integration-view.js';

const security = [{ bearerAuth: [] }];
const tags = ['integrations'];

/** Reads an integration type from a path or body; 400 integration_type_unknown otherwise. */
export function integrationTypeOrThrow(text: string): IntegrationType {
  const type = parseIntegrationType(text);
  if (type === undefined) throw new ApiError('integration_type_unknown', `Unknown integration type "${text}"; use one of ${integrationTypes.join(', ')}.`);
  return type;
}

const configInvalid = (problems: ReadonlyArray<{ path: string; message: string }>) =>
  new ApiError('integration_config_invalid', `Invalid integration settings: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`, problems);

/**
 * Seed 001's integration defaults and per-user overrides. Overrides exist only for users who
 * override; what a user gets is always the one resolution in resolve-effective-config, the same the
 * dispatcher uses when it sends.
 */
export async function integrationRoutes(parent: FastifyInstance, deps: AppDeps): Promise<void> {
  const app = parent.withTypeProvider<TypeBoxTypeProvider>();
  app.addHook('onRequest', requireAdminKey(deps.adminKey));
  const { delivery } = deps;

  const userState = async (userId: string) => {
    const recipient = (await loadRecipients(deps.store.db, deps.secretBox, [userId])).get(userId);
    const overrides = recipient?.overrides ?? [];
    return { overrides, effective: resolveEffectiveConfigs(delivery.defaults.all(), overrides) };
  };

  app.get('/api/v1/integration-defaults', { schema: { tags, security, summary: 'System integration defaults (seed 001), with start-up health' } }, async () => {
    const all = delivery.defaults.all();
    return {
      default_integrations: Object.fromEntries(integrationTypes.map((type) => [type, integrationDefaultView(all[type])])),
      open_circuits: delivery.breakers.openDestinations().map((open) => ({ destination: open.key, state: open.state, retry_at: new Date(open.retry_at_ms).toISOString() })),
    };
  });

  app.put(
    '/api/v1/integration-defaults/:integration_type',
    { schema: { tags, security, summary: 'Change a default (it is then kept across restarts)', params: IntegrationTypeParams, body: UpdateDefaultBody } },
    async (request) => {
      const type = integrationTypeOrThrow(request.params.integration_type);
      const { body } = request;
      if (body.config !== undefined) {
        const problems = configProblems(delivery.registry[type], body.config, { prefix: 'config', secrets: 'refused' });
        if (problems.length > 0) throw configInvalid(problems);
      }
      const row = await updateIntegrationDefault(deps.store.db, { integrationType: type, patch: body, nowMs: deps.clock.nowMs() });
      if (row === undefined) throw new ApiError('integration_type_unknown', `No default stored for ${type}.`);
      await delivery.defaults.reload();
      return integrationDefaultView(delivery.defaults.all()[type]);
    },
  );

  app.get(
    '/api/v1/users/:user_id/integration-defaults',
    { schema: { tags, security, summary: "A user's overrides and effective configuration", params: UserIdParams } },
    async (request) => {
      const { user_id: userId } = request.params;
      const { overrides, effective } = await userState(userId);
      return {
        user_id: userId,
        user_overrides: Object.fromEntries(overrides.map((o) => [o.integration_type, userOverrideView(o, effective[o.integration_type])])),
        effective_configs: Object.fromEntries(integrationTypes.map((type) => [type, effectiveConfigView(effective[type])])),
        using_integration_defaults: overrides.length === 0,
      };
    },
  );

  app.get('/api/v1/users/:user_id/integrations', { schema: { tags, security, summary: "A user's overrides", params: UserIdParams } }, async (request) => {
    const { overrides, effective } = await userState(request.params.user_id);
    return overrides.map((o) => userOverrideView(o, effective[o.integration_type]));
  });

  const answer = async (userId: string, type: IntegrationType, outcome: SaveOverrideOutcome) => {
    if (!outcome.ok) throw configInvalid(outcome.problems);
    delivery.recipientChanged(userId);
    const { effective } = await userState(userId);
    return {
      created: outcome.created,
      body: { ...userOverrideView(outcome.override, effective[type], outcome.id), ...(outcome.generatedSecret === undefined ? {} : { secret: outcome.generatedSecret }) },
    };
  };
  const saveDeps = { db: deps.store.db, secretBox: deps.secretBox, registry: delivery.registry, clock: deps.clock, checkUrl: (url: string) => delivery.checkUrl(url) };

  app.post(
    '/api/v1/users/:user_id/integrations',
    {
      schema: {
        tags,
        security,
        summary: "Create (201) or replace (200) a user's override of one integration",
        description: 'A WEBHOOK override with a url and no secret gets a generated whsec_ secret, returned once as `secret`.',
        params: UserIdParams,
        body: CreateOverrideBody,
      },
    },
    async (request, reply) => {
      const { user_id: userId } = request.params;
      const { integration_type, ...fields } = request.body;
      const type = integrationTypeOrThrow(integration_type);
      const result = await answer(userId, type, await saveUserOverride(saveDeps, { userId, type, fields: fields as OverrideFields, mode: 'replace' }));
      return reply.status(result.created ? 201 : 200).send(result.body);
    },
  );

  app.put(
    '/api/v1/users/:user_id/integrations/:integration_type',
    { schema: { tags, security, summary: 'Change some fields of an override (creating it when missing); config merges key by key', params: UserIntegrationParams, body: UpdateOverrideBody } },
    async (request, reply) => {
      const { user_id: userId } = request.params;
      const type = integrationTypeOrThrow(request.params.integration_type);
      const { integration_type: bodyType, ...fields } = request.body;
      if (bodyType !== undefined && parseIntegrationType(bodyType) !== type) throw configInvalid([{ path: 'integration_type', message: `must equal the type in the URL (${type})` }]);
      const result = await answer(userId, type, await saveUserOverride(saveDeps, { userId, type, fields: fields as OverrideFields, mode: 'merge' }));
      return reply.status(result.created ? 201 : 200).send(result.body);
    },
  );

  app.delete(
    '/api/v1/users/:user_id/integrations/:integration_type',
    { schema: { tags, security, summary: 'Delete an override: the user follows the default again', params: UserIntegrationParams } },
    async (request) => {
      const { user_id: userId } = request.params;
      const type = integrationTypeOrThrow(request.params.integration_type);
      const deleted = await deleteUserOverrides(deps.store.db, { userId, integrationType: type });
      delivery.recipientChanged(userId);
      if (deleted === 0) throw new ApiError('integration_override_not_found', `User "${userId}" has no ${type} override.`);
      return { message: 'Integration configuration deleted', user_id: userId, integration_type: type };
    },
  );

  app.post(
    '/api/v1/users/:user_id/integration-defaults/reset',
    { schema: { tags, security, summary: "Delete all of a user's overrides", params: UserIdParams } },
    async (request) => {
      const { user_id: userId } = request.params;
      const deleted = await deleteUserOverrides(deps.store.db, { userId });
      delivery.recipientChanged(userId);
      return { message: `User ${userId} reset to integration defaults`, user_id: userId, deleted_configs: deleted };
    },
  );
}
