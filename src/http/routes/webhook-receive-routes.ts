import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from '../../core/errors/api-error.js';
import type { ErrorCode } from '../../core/errors/error-catalog.js';
import type { ResolvedEndpoint } from '../../ingress/webhooks/endpoint-directory.js';
import type { InboundWebhook } from '../../ingress/webhooks/inbound-webhook.js';
import { acceptMediaType } from '../../ingress/webhooks/accept-media-type.js';
import { receiveWebhook } from '../../ingress/webhooks/receive-webhook.js';
import { recordRejection } from '../../ingress/webhooks/record-rejection.js';
import type { WebhookOutcome } from '../../ingress/webhooks/webhook-outcome.js';
import type { CompiledRoute } from '../../routing/compiled-route.js';
import { awaitSyncResponse } from '../../runs/await-sync-response.js';
import type { RunCompletions } from '../../runs/run-completions.js';
import { constantTimeEqual } from '../../crypto/constant-time-equal.js';
import { hashApiKey } from '../../crypto/hash-api-key.js';
import type { AppDeps } from '../app-deps.js';
import { EndpointIdParams } from '../schemas/webhook-schemas.js';

/** Per-request state of a webhook on its way through the hooks below. */
export interface WebhookRequestState {
  readonly resolved: ResolvedEndpoint;
  readonly inbound: InboundWebhook;
  /** Set once the request's log row is written (by receiveWebhook), so it is never written twice. */
  logged: boolean;
  outcome: WebhookOutcome | undefined;
}

declare module 'fastify' {
  interface FastifyRequest {
    webhookState: WebhookRequestState | null;
    /** The catalog code of the error this request was answered with, if any. */
    errorCode: ErrorCode | null;
  }
}

/**
 * The receive path: `POST /integration/webhooks/{id}`, `POST /api/v1/integrations/webhook/{id}`,
 * and every endpoint's extra `path`. Cheap refusals (404, 410, 403, 429, 415, 413) happen before the
 * body is read; the body is read as raw bytes up to the endpoint's limit and never buffered past it.
 */
export async function webhookReceiveRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (request, payload, done) => readRawBody(request, payload, deps.config.webhooks.default_max_payload_bytes, done));

  // One limiter for all three receive paths, so an endpoint's limit is shared however it is reached
  // (route-level limits would keep a separate counter per route). Keyed per endpoint and client address.
  const rateLimit = app.rateLimit({
    keyGenerator: (request: FastifyRequest) => `${request.webhookState?.resolved.endpoint.endpointId ?? ''}|${request.ip}`,
    max: (request: FastifyRequest) => request.webhookState?.resolved.endpoint.rateLimit?.requests ?? 1,
    timeWindow: (request: FastifyRequest) => (request.webhookState?.resolved.endpoint.rateLimit?.per_seconds ?? 1) * 1000,
  });

  // Resolves the endpoint and makes every refusal that needs no body. Callback-style hooks (no
  // promise per request) with a synchronous path when the endpoint view is fresh: this runs on
  // every webhook, and the hot path's CPU is the ingest benchmark's ceiling.
  const admit = (request: FastifyRequest, reply: FastifyReply, path: string, resolved: ResolvedEndpoint | undefined, done: (error?: Error) => void) => {
    const params = request.params as { endpoint_id?: string };
    if (resolved === undefined) {
      done(
        params.endpoint_id === undefined
          ? new ApiError('route_not_found', `No route ${request.method} ${path}.`)
          : new ApiError('endpoint_not_found', `No webhook endpoint "${params.endpoint_id}".`),
      );
      return;
    }
    request.webhookState = { resolved, inbound: inboundFrom(request, path, deps), logged: false, outcome: undefined };
    if (!resolved.endpoint.active) done(new ApiError('endpoint_inactive'));
    else if (!resolved.ipAllowlist.allows(request.ip)) done(new ApiError('ip_not_allowed', `Address ${request.ip} is not allowed for this endpoint.`));
    else if (resolved.endpoint.rateLimit !== null) rateLimit.call(app, request, reply).then(() => done(), done);
    else done();
  };

  app.addHook('onRequest', (request, reply, done) => {
    const params = request.params as { endpoint_id?: string };
    const path = request.url.split('?', 1)[0] as string;
    const byId = params.endpoint_id !== undefined;
    const cached = byId ? deps.directory.cachedById(params.endpoint_id as string) : deps.directory.cachedByPath(path);
    if (cached !== undefined) {
      admit(request, reply, path, cached, done);
      return;
    }
    (byId ? deps.directory.findById(params.endpoint_id as string) : deps.directory.findByPath(path)).then(
      (resolved) => admit(request, reply, path, resolved, done),
      done,
    );
  });

  app.addHook('preParsing', (request, _reply, payload, done) => {
    const state = request.webhookState as WebhookRequestState;
    // The subscription handshake (GET) has no body to check.
    if (request.method === 'GET') {
      done(null, payload);
      return;
    }
    const accepted = acceptMediaType(state.resolved.endpoint, state.inbound.mediaType);
    if ('refusal' in accepted) {
      done(new ApiError('unsupported_media_type', accepted.refusal));
      return;
    }
    const declared = Number(request.headers['content-length'] ?? '0');
    if (declared > state.resolved.endpoint.maxPayloadBytes) {
      done(new ApiError('payload_too_large', `The body exceeds this endpoint's limit of ${state.resolved.endpoint.maxPayloadBytes} bytes.`));
      return;
    }
    done(null, payload);
  });

  // Refusals decided in hooks are logged once the answer is sent; accepted events were logged in their commit.
  app.addHook('onResponse', (request, reply, done) => {
    const state = request.webhookState;
    if (state === null) {
      done();
      return;
    }
    const endpointId = state.resolved.endpoint.endpointId;
    const outcome = state.outcome;
    if (!state.logged && request.errorCode !== null) {
      deps.metrics.recordWebhook(endpointId, 'rejected', request.errorCode);
      recordRejection(deps.writer, endpointId, state.inbound, request.errorCode, deps.clock.nowMs()).then(
        () => done(),
        (error: unknown) => {
          request.log.error({ err: error }, 'could not write the request log');
          done();
        },
      );
      return;
    }
    // A batch counts its items, as the request log and /status do.
    if (outcome?.kind === 'batch') for (const item of outcome.items) deps.metrics.recordWebhook(endpointId, item.kind, '');
    else if (outcome !== undefined) deps.metrics.recordWebhook(endpointId, outcome.kind, outcome.kind === 'rejected' ? outcome.code : '');
    else if (reply.statusCode >= 500) deps.metrics.recordWebhook(endpointId, 'error', 'internal_error');
    done();
  });

  const receiveSchema = (summary: string) => ({
    tags: ['receiving'],
    summary,
    description:
      'Verifies the request with the endpoint\'s scheme and commits it before answering: 202 {event_id, status: "accepted"}, ' +
      '200 {event_id, status: "duplicate"} for a repeated idempotency key, 200 {status: "ignored"} for an unsubscribed event type. See docs/webhooks.md.',
    params: EndpointIdParams,
  });
  /** The sync route's answer for `run`: rendered, a failure (as the catalog's error), or 202 while it is not done. */
  const syncAnswer = async (eventId: string, run: { readonly id: string; readonly route: CompiledRoute }, completions: RunCompletions): Promise<{ status: number; body: unknown; location?: string }> => {
    const response = await awaitSyncResponse({ db: deps.store.db, completions, clock: deps.clock }, run);
    if (response.kind === 'rendered') return { status: response.status, body: response.body };
    if (response.kind === 'failed') {
      const error = new ApiError(response.code, response.message, { event_id: eventId, run_id: response.runId });
      return { status: error.status, body: error.toBody() };
    }
    return {
      status: 202,
      body: { event_id: eventId, status: 'accepted', run_id: response.runId, run_status: response.status, status_url: `/api/v1/runs/${response.runId}` },
      location: `/api/v1/runs/${response.runId}`,
    };
  };
  const answerSync = async (reply: FastifyReply, eventId: string, run: { readonly id: string; readonly route: CompiledRoute }, completions: RunCompletions) => {
    const answer = await syncAnswer(eventId, run, completions);
    // A failed run's answer is the catalog error it stands for (502 run_failed, 500 response_render_failed).
    if (answer.location !== undefined) void reply.header('location', answer.location);
    return reply.status(answer.status).send(answer.body);
  };
  /** One batch item's result: its outcome, and its synchronous answer when its route gives one. */
  const batchItem = async (item: Extract<WebhookOutcome, { kind: 'batch' }>['items'][number], index: number) => {
    if (item.kind === 'ignored') return { index, status: 'ignored', event_type: item.eventType };
    const sync = deps.runs === undefined ? undefined : item.kind === 'accepted' ? item.runs.find((run) => run.route.respond.mode === 'sync') : await syncRunOf(item.eventId);
    const base = { index, event_id: item.eventId, status: item.kind };
    if (sync === undefined || deps.runs === undefined) return base;
    const answer = await syncAnswer(item.eventId, sync, deps.runs.completions);
    return { ...base, response_status: answer.status, response: answer.body };
  };
  /** The first run of an event whose (current) route answers synchronously. */
  const syncRunOf = async (eventId: string): Promise<{ readonly id: string; readonly route: CompiledRoute } | undefined> => {
    const runs = await deps.store.db.selectFrom('runs').select(['id', 'route_id']).where('event_id', '=', eventId).orderBy('id').execute();
    for (const run of runs) {
      const route = deps.routeTable.get(run.route_id);
      if (route?.respond.mode === 'sync') return { id: run.id, route };
    }
    return undefined;
  };
  const handler = async (request: FastifyRequest, reply: FastifyReply) => {
    const state = request.webhookState as WebhookRequestState;
    const rawBody = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    const outcome = await receiveWebhook(deps.writer, deps.runs?.router, state.resolved, state.inbound, rawBody, deps.clock.nowMs());
    state.logged = true;
    state.outcome = outcome;
    switch (outcome.kind) {
      case 'accepted': {
        const sync = outcome.runs.find((run) => run.route.respond.mode === 'sync');
        if (sync === undefined || deps.runs === undefined) {
          // Exactly the foundation's contract; the runs are listed by GET /api/v1/runs?event_id=.
          return reply.status(state.resolved.scheme.acceptedStatus ?? 202).send({ event_id: outcome.eventId, status: 'accepted' });
        }
        return answerSync(reply, outcome.eventId, sync, deps.runs.completions);
      }
      case 'duplicate': {
        // A repeat of a webhook whose route answers synchronously gets the original run's answer
        // (the sender retried because it never saw it); the run is not started again.
        const original = deps.runs === undefined ? undefined : await syncRunOf(outcome.eventId);
        if (original === undefined || deps.runs === undefined) return reply.status(200).send({ event_id: outcome.eventId, status: 'duplicate' });
        return answerSync(reply, outcome.eventId, original, deps.runs.completions);
      }
      case 'ignored':
        return reply.status(200).send({ status: 'ignored', event_type: outcome.eventType });
      case 'handshake':
        return reply.status(200).type(outcome.contentType).send(outcome.body);
      case 'rejected':
        throw new ApiError(outcome.code, outcome.message);
      case 'batch': {
        // Each item as a webhook of its own would have been answered; 200 once any item had a synchronous answer.
        const results = await Promise.all(outcome.items.map(batchItem));
        const answered = results.some((result) => 'response' in result);
        return reply.status(answered ? 200 : (state.resolved.scheme.acceptedStatus ?? 202)).send({ status: 'accepted', count: results.length, results });
      }
      default: {
        const unreachable: never = outcome;
        throw new Error(`Unhandled outcome ${JSON.stringify(unreachable)}`);
      }
    }
  };
  /**
   * Meta's (WhatsApp Cloud API's) subscription check: `GET ?hub.mode=subscribe&hub.verify_token=…&hub.challenge=…`
   * answers the challenge as text when the token matches the endpoint's verify_token (compared as
   * hashes, in constant time). Stores nothing; refusals are request-logged like any other.
   */
  const handshake = async (request: FastifyRequest, reply: FastifyReply) => {
    const state = request.webhookState as WebhookRequestState;
    const expected = state.resolved.endpoint.verifyTokenHash;
    if (expected === null) throw new ApiError('route_not_found', `No route GET ${state.inbound.path}: the endpoint has no verify_token, so it answers no subscription check.`);
    const query = request.query as Record<string, string | string[] | undefined>;
    const one = (name: string) => (typeof query[name] === 'string' ? query[name] : undefined);
    const mode = one('hub.mode');
    const token = one('hub.verify_token');
    const challenge = one('hub.challenge');
    if (mode !== 'subscribe' || token === undefined || challenge === undefined) throw new ApiError('handshake_invalid');
    if (!constantTimeEqual(hashApiKey(token), expected)) throw new ApiError('verify_token_invalid');
    state.logged = true;
    return reply.status(200).type('text/plain; charset=utf-8').send(challenge);
  };
  const handshakeSchema = { tags: ['receiving'], summary: 'Answer a Meta/WhatsApp subscription check (hub.challenge) for an endpoint with a verify_token' };
  // GET /integration/webhooks/{id} is the management API's (the endpoint's settings); the check is answered on the other receive paths.
  app.get('/api/v1/integrations/webhook/:endpoint_id', { schema: { ...handshakeSchema, params: EndpointIdParams } }, handshake);
  app.get('/*', { schema: { hide: true } }, handshake);

  app.post('/integration/webhooks/:endpoint_id', { schema: receiveSchema('Receive a webhook') }, handler);
  app.post('/api/v1/integrations/webhook/:endpoint_id', { schema: receiveSchema('Receive a webhook (seed 004 path)') }, handler);
  // Extra paths registered per endpoint (e.g. /webhooks/chainsync/alert); static routes always win over this.
  app.post('/*', { schema: { hide: true } }, handler);
}

function inboundFrom(request: FastifyRequest, path: string, deps: AppDeps): InboundWebhook {
  const headers: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(request.headers)) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  const contentType = headers['content-type'] ?? '';
  const base = deps.config.server.public_url ?? `${request.protocol}://${request.host}`;
  return {
    requestId: request.id,
    method: request.method,
    path,
    url: `${base.replace(/\/$/, '')}${request.url}`,
    clientIp: request.ip,
    headers,
    mediaType: (contentType.split(';', 1)[0] as string).trim().toLowerCase(),
    receivedAtMs: deps.clock.nowMs(),
  };
}

/** Reads the raw body up to the endpoint's limit; past it, stops reading and fails with 413. */
function readRawBody(
  request: FastifyRequest,
  payload: NodeJS.ReadableStream,
  fallbackLimit: number,
  done: (error: Error | null, body?: Buffer) => void,
): void {
  const limit = request.webhookState?.resolved.endpoint.maxPayloadBytes ?? fallbackLimit;
  const chunks: Buffer[] = [];
  let size = 0;
  let finished = false;
  const finish = (error: Error | null, body?: Buffer) => {
    if (finished) return;
    finished = true;
    payload.removeListener('data', onData);
    done(error, body);
  };
  const onData = (chunk: Buffer) => {
    size += chunk.length;
    if (size > limit) {
      payload.pause();
      finish(new ApiError('payload_too_large', `The body exceeds this endpoint's limit of ${limit} bytes.`));
      return;
    }
    chunks.push(chunk);
  };
  payload.on('data', onData);
  payload.on('end', () => finish(null, chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size)));
  payload.on('error', (error: Error) => finish(new ApiError('body_invalid', `The body could not be read: ${error.message}`)));
}
