import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { ApiError } from '../../core/errors/api-error.js';
import { createPlatformHealthCheck } from '../../leads/check-platform-health.js';
import { parsePlatform, platforms, type Platform } from '../../leads/platform.js';
import { platformIntegrationFromRow } from '../../leads/platform-integration.js';
import { refreshPlatformHealth } from '../../leads/refresh-platform-health.js';
import { savePlatformIntegration, type SavePlatformIntegrationDeps } from '../../leads/save-platform-integration.js';
import { deletePlatformIntegration } from '../../store/platform-integrations/delete-platform-integration.js';
import { listPlatformIntegrations } from '../../store/platform-integrations/list-platform-integrations.js';
import { requireAdminKey } from '../admin-auth.js';
import type { AppDeps } from '../app-deps.js';
import { ConnectPlatformBody, PlatformParams, UserIdQuery } from '../schemas/platform-integration-schemas.js';
import { notConnectedView, platformIntegrationView } from '../views/platform-integration-view.js';

const security = [{ bearerAuth: [] }];
const tags = ['platform integrations'];

/** Reads the platform from the path; 400 `platform_unknown` otherwise. */
function platformOrThrow(text: string): Platform {
  const platform = parsePlatform(text);
  if (platform === undefined) {
    throw new ApiError('platform_unknown', `Unknown platform "${text}"; use one of ${platforms.join(', ')}.`, [{ path: 'params/platform', message: `must be one of ${platforms.join(', ')}` }]);
  }
  return platform;
}

/** 404 for a platform the user has not connected. */
function notConnected(userId: string, platform: Platform): ApiError {
  return new ApiError('platform_integration_not_found', `User "${userId}" has not connected ${platform}.`);
}

/**
 * Seed 003's per-user platform connections (Calendly, WhatsApp): credentials encrypted at rest and
 * never answered, settings in clear, the last health check and the usage counters. The actions read
 * the same rows (leads/platform-credentials).
 */
export async function platformIntegrationRoutes(parent: FastifyInstance, deps: AppDeps): Promise<void> {
  const app = parent.withTypeProvider<TypeBoxTypeProvider>();
  app.addHook('onRequest', requireAdminKey(deps.adminKey));
  const saveDeps: SavePlatformIntegrationDeps = {
    db: deps.store.db,
    secretBox: deps.secretBox,
    clock: deps.clock,
    checkHealth: createPlatformHealthCheck(deps.config.actions, deps.clock),
  };

  app.put(
    '/api/integrations/:platform',
    {
      schema: {
        tags,
        security,
        summary: "Connect a user's platform account or change it (201 when created), then check it",
        description:
          'credentials (strings, e.g. access_token) replace the stored ones when given and are encrypted at rest, never answered; settings (e.g. event_type, phone_number_id) merge key by key, null removing a key.',
        params: PlatformParams,
        body: ConnectPlatformBody,
      },
    },
    async (request, reply) => {
      const platform = platformOrThrow(request.params.platform);
      const { user_id: userId, credentials, settings } = request.body;
      const outcome = await savePlatformIntegration(saveDeps, { userId, platform, fields: { credentials, settings } });
      if (!outcome.ok) {
        const problems = outcome.problems;
        throw new ApiError('integration_config_invalid', `Invalid ${platform} connection: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`, problems);
      }
      return reply.status(outcome.created ? 201 : 200).send(platformIntegrationView(outcome.integration));
    },
  );

  app.get(
    '/api/integrations',
    { schema: { tags, security, summary: "A user's platform connections (status not_connected for the others)", querystring: UserIdQuery } },
    async (request) => {
      const userId = request.query.user_id;
      const rows = await listPlatformIntegrations(deps.store.db, { userId });
      const integrations = Object.fromEntries(
        platforms.map((platform) => {
          const row = rows.find((candidate) => candidate.platform === platform);
          return [platform, row === undefined ? notConnectedView : platformIntegrationView(platformIntegrationFromRow(row, deps.secretBox))];
        }),
      );
      return { user_id: userId, integrations };
    },
  );

  app.delete(
    '/api/integrations/:platform',
    { schema: { tags, security, summary: "Disconnect a user's platform account (credentials, settings and counters go)", params: PlatformParams, querystring: UserIdQuery } },
    async (request) => {
      const platform = platformOrThrow(request.params.platform);
      const userId = request.query.user_id;
      if (!(await deletePlatformIntegration(deps.store.db, { userId, platform }))) throw notConnected(userId, platform);
      return { user_id: userId, platform, deleted: true };
    },
  );

  app.post(
    '/api/integrations/:platform/health',
    { schema: { tags, security, summary: "Check a user's platform connection again and store the result", params: PlatformParams, querystring: UserIdQuery } },
    async (request) => {
      const platform = platformOrThrow(request.params.platform);
      const userId = request.query.user_id;
      const integration = await refreshPlatformHealth(saveDeps, { userId, platform });
      if (integration === undefined) throw notConnected(userId, platform);
      return platformIntegrationView(integration);
    },
  );
}
