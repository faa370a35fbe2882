import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { ApiError } from '../../core/errors/api-error.js';
import { registerWebhookEndpoint } from '../../ingress/webhooks/register-webhook-endpoint.js';
import { rotateWebhookSecret } from '../../ingress/webhooks/rotate-webhook-secret.js';
import { sendTestWebhook, type SelfRequest } from '../../ingress/webhooks/send-test-webhook.js';
import { endpointFromRow } from '../../ingress/webhooks/webhook-endpoint.js';
import { deactivateWebhookEndpoint } from '../../store/webhook-endpoints/deactivate-webhook-endpoint.js';
import { findWebhookEndpoint } from '../../store/webhook-endpoints/find-webhook-endpoint.js';
import { listWebhookEndpoints } from '../../store/webhook-endpoints/list-webhook-endpoints.js';
import { listEndpointStats } from '../../store/webhook-logs/list-endpoint-stats.js';
import { listRequestLogs } from '../../store/webhook-logs/list-request-logs.js';
import { requireAdminKey } from '../admin-auth.js';
import type { AppDeps } from '../app-deps.js';
import { DEFAULT_PAGE_LIMIT, decodeCursor, encodeCursor } from '../cursor.js';
import { EndpointIdParams, LogsQuery, RegisterEndpointBody, RotateSecretBody, TestEndpointBody } from '../schemas/webhook-schemas.js';
import { endpointView } from '../views/endpoint-view.js';

const security = [{ bearerAuth: [] }];
const tags = ['webhook endpoints'];

/**
 * Lets a POST whose body is optional be sent with no body at all (`curl -X POST …`): Fastify
 * validates an absent body against the schema too, so an absent body becomes `{}` first.
 */
async function absentBodyAsEmptyObject(request: FastifyRequest): Promise<void> {
  request.body ??= {};
}

/** The management API for webhook endpoints (seed 002's endpoints plus status, logs and rotation). */
export async function webhookManagementRoutes(parent: FastifyInstance, deps: AppDeps): Promise<void> {
  const app = parent.withTypeProvider<TypeBoxTypeProvider>();
  app.addHook('onRequest', requireAdminKey(deps.adminKey));

  const loadEndpoint = async (endpointId: string) => {
    const row = await findWebhookEndpoint(deps.store.db, endpointId);
    if (row === undefined) throw new ApiError('endpoint_not_found', `No webhook endpoint "${endpointId}".`);
    return endpointFromRow(row);
  };

  app.post(
    '/integration/webhooks/register',
    { schema: { tags, security, summary: 'Register a webhook endpoint', body: RegisterEndpointBody } },
    async (request, reply) => {
      const webhookDefaults = deps.config.webhooks;
      const outcome = await registerWebhookEndpoint(
        deps.store,
        deps.secretBox,
        request.body,
        {
          maxPayloadBytes: webhookDefaults.default_max_payload_bytes,
          toleranceSeconds: webhookDefaults.default_tolerance_seconds,
          rateLimit: webhookDefaults.default_rate_limit,
        },
        deps.clock.nowMs(),
      );
      if (!outcome.ok) throw new ApiError(outcome.code, outcome.message);
      deps.directory.invalidate();
      return reply.status(201).send({
        ...endpointView(outcome.endpoint),
        ...(outcome.generatedSecret === undefined ? {} : { secret: outcome.generatedSecret, secret_notice: 'Store this secret now: it is not shown again.' }),
      });
    },
  );

  app.get('/integration/webhooks', { schema: { tags, security, summary: 'List webhook endpoints' } }, async () => {
    const rows = await listWebhookEndpoints(deps.store.db);
    return { endpoints: rows.map((row) => endpointView(endpointFromRow(row))) };
  });

  app.get('/integration/webhooks/:endpoint_id', { schema: { tags, security, summary: 'Get one endpoint (no secrets)', params: EndpointIdParams } }, async (request) =>
    endpointView(await loadEndpoint(request.params.endpoint_id)),
  );

  app.get(
    '/integration/webhooks/:endpoint_id/status',
    { schema: { tags, security, summary: 'Counts of accepted, duplicate, ignored and rejected requests', params: EndpointIdParams } },
    async (request) => {
      const endpoint = await loadEndpoint(request.params.endpoint_id);
      const stats = await listEndpointStats(deps.store.db, endpoint.endpointId);
      const byReason: Record<string, number> = {};
      const counts = { accepted: 0, duplicate: 0, ignored: 0, rejected: 0 };
      let lastAcceptedAt: number | null = null;
      let lastRequestAt: number | null = null;
      for (const row of stats) {
        const count = Number(row.count);
        if (row.outcome in counts) counts[row.outcome as keyof typeof counts] += count;
        if (row.outcome === 'rejected') byReason[row.reason] = (byReason[row.reason] ?? 0) + count;
        if (row.outcome === 'accepted') lastAcceptedAt = Math.max(lastAcceptedAt ?? 0, Number(row.last_at));
        lastRequestAt = Math.max(lastRequestAt ?? 0, Number(row.last_at));
      }
      return {
        endpoint_id: endpoint.endpointId,
        active: endpoint.active,
        counts: { ...counts, total: counts.accepted + counts.duplicate + counts.ignored + counts.rejected },
        rejected_by_reason: byReason,
        last_accepted_at: lastAcceptedAt === null ? null : new Date(lastAcceptedAt).toISOString(),
        last_request_at: lastRequestAt === null ? null : new Date(lastRequestAt).toISOString(),
      };
    },
  );

  app.get(
    '/integration/webhooks/:endpoint_id/logs',
    { schema: { tags, security, summary: 'Request log, newest first (headers redacted)', params: EndpointIdParams, querystring: LogsQuery } },
    async (request) => {
      const endpoint = await loadEndpoint(request.params.endpoint_id);
      const limit = request.query.limit ?? DEFAULT_PAGE_LIMIT;
      const rows = await listRequestLogs(deps.store.db, endpoint.endpointId, {
        beforeId: decodeCursor(request.query.cursor),
        limit: limit + 1,
      });
      const page = rows.slice(0, limit);
      return {
        logs: page.map((row) => ({
          id: row.id,
          time: new Date(Number(row.received_at)).toISOString(),
          request_id: row.request_id,
          client_ip: row.client_ip,
          method: row.method,
          path: row.path,
          outcome: row.outcome,
          reason: row.reason,
          status: row.status_code,
          latency_ms: Number(row.latency_ms),
          event_id: row.event_id,
          headers: JSON.parse(row.headers) as Record<string, string>,
        })),
        next_cursor: rows.length > limit ? encodeCursor((page[page.length - 1] as { id: string }).id) : null,
      };
    },
  );

  app.delete(
    '/integration/webhooks/:endpoint_id',
    { schema: { tags, security, summary: 'Deactivate an endpoint (later requests get 410)', params: EndpointIdParams } },
    async (request) => {
      const found = await deactivateWebhookEndpoint(deps.store.db, request.params.endpoint_id, deps.clock.nowMs());
      if (!found) throw new ApiError('endpoint_not_found', `No webhook endpoint "${request.params.endpoint_id}".`);
      deps.directory.invalidate();
      return { endpoint_id: request.params.endpoint_id, active: false };
    },
  );

  app.post(
    '/integration/webhooks/:endpoint_id/rotate-secret',
    {
      preValidation: absentBodyAsEmptyObject,
      schema: { tags, security, summary: 'Rotate the signing secret (old one verifies during the grace period)', params: EndpointIdParams, body: RotateSecretBody },
    },
    async (request) => {
      const nowMs = deps.clock.nowMs();
      const outcome = await rotateWebhookSecret(
        deps.store,
        deps.secretBox,
        request.params.endpoint_id,
        { graceSeconds: request.body.grace_seconds ?? deps.config.webhooks.rotation_grace_seconds, secret: request.body.secret },
        nowMs,
      );
      if (!outcome.ok) throw new ApiError(outcome.code, `No webhook endpoint "${request.params.endpoint_id}".`);
      deps.directory.invalidate();
      return {
        endpoint_id: request.params.endpoint_id,
        ...(outcome.generated ? { secret: outcome.secret, secret_notice: 'Store this secret now: it is not shown again.' } : {}),
        previous_secret_expires_at: new Date(outcome.previousExpiresAt).toISOString(),
      };
    },
  );

  app.post(
    '/integration/webhooks/test/:endpoint_id',
    {
      preValidation: absentBodyAsEmptyObject,
      schema: { tags, security, summary: 'Send a signed sample through the real receive path', params: EndpointIdParams, body: TestEndpointBody },
    },
    async (request) => {
      deps.directory.invalidate();
      const resolved = await deps.directory.findById(request.params.endpoint_id);
      if (resolved === undefined) throw new ApiError('endpoint_not_found', `No webhook endpoint "${request.params.endpoint_id}".`);
      const { baseUrl, send } = selfRequester(parent, deps);
      return sendTestWebhook(resolved, send, baseUrl, { apiKey: request.body.api_key, payload: request.body.payload }, deps.clock.nowMs());
    },
  );
}

/** Real HTTP to our own listening socket; `inject` only when the app is not listening (in-process tests). */
function selfRequester(app: FastifyInstance, deps: AppDeps): { baseUrl: string; send: SelfRequest } {
  const address = app.server.address();
  if (address !== null && typeof address === 'object') {
    const host = address.family === 'IPv6' ? `[${address.address === '::' ? '::1' : address.address}]` : address.address === '0.0.0.0' ? '127.0.0.1' : address.address;
    const baseUrl = `http://${host}:${address.port}`;
    return {
      baseUrl: deps.config.server.public_url ?? baseUrl,
      send: async ({ path, headers, body }) => {
        const response = await fetch(`${baseUrl}${path}`, { method: 'POST', headers, body, redirect: 'manual', signal: AbortSignal.timeout(10_000) });
        return { status: response.status, body: await response.text(), url: `${baseUrl}${path}` };
      },
    };
  }
  const baseUrl = deps.config.server.public_url ?? 'http://localhost';
  return {
    baseUrl,
    send: async ({ path, headers, body }) => {
      const response = await app.inject({ method: 'POST', url: path, headers: { ...headers, host: new URL(baseUrl).host }, payload: body });
      return { status: response.statusCode, body: response.body, url: `${baseUrl}${path}` };
    },
  };
}
