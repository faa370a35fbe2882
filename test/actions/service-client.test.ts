import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { Agent } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { callJsonService, createJsonService, type JsonService, type JsonServiceOptions } from '../../src/actions/service-client/call-json-service.js';
import { createApiKeyService } from '../../src/actions/service-client/create-api-key-service.js';
import { notConfiguredError } from '../../src/actions/service-client/not-configured-error.js';
import { ServiceError } from '../../src/actions/service-client/service-error.js';
import { closedPort } from '../delivery/support/closed-port.js';
import { closeHttpServer, listenOnLoopback } from '../delivery/support/listen-on-loopback.js';
import { openHandleBaseline } from '../delivery/support/open-handles.js';
import { startChainSyncApiServer, type ChainSyncApiServer } from '../support/chainsync-api-server.js';

const apiKey = 'cs-live-9f8e7d6c5b4a3210';
const breaker = { failure_threshold: 3, half_open_after_ms: 30_000 };

/** A raw node:http server for answers the stand-ins do not give (redirects, non-JSON, echoed secrets). */
async function rawServer(handler: (request: IncomingMessage, response: ServerResponse) => void): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer(handler);
  const port = await listenOnLoopback(server);
  return { url: `http://127.0.0.1:${port}`, close: () => closeHttpServer(server) };
}

/** Rejects with what `promise` throws, which must be a ServiceError. */
async function failure(promise: Promise<unknown>): Promise<ServiceError> {
  const thrown: unknown = await promise.then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(thrown).toBeInstanceOf(ServiceError);
  return thrown as ServiceError;
}

describe('callJsonService', () => {
  let chainsync: ChainSyncApiServer;
  let handles: ReturnType<typeof openHandleBaseline>;
  const opened: Array<{ close(): Promise<void> }> = [];

  beforeEach(async () => {
    handles = openHandleBaseline();
    chainsync = await startChainSyncApiServer({ apiKey });
    opened.push(chainsync);
  });
  afterEach(async () => {
    for (const resource of opened.splice(0).reverse()) await resource.close();
    await handles.expectNoneLeft();
  });

  function service(overrides: Partial<JsonServiceOptions> = {}): JsonService {
    const created = createJsonService({
      name: 'chainsync',
      baseUrl: `${chainsync.url}/`,
      headers: { Authorization: `Bearer ${apiKey}`, 'X-API-Key': apiKey },
      timeoutMs: 2_000,
      breaker,
      ...overrides,
    });
    opened.push(created);
    return created;
  }

  const update = (alertId = 'ALT-1', idempotencyKey = `run-1:${alertId}`) =>
    ({ method: 'PUT', path: `/alerts/${alertId}/status`, body: { alert_id: alertId, status: 'meeting_scheduled' }, idempotencyKey }) as const;

  describe('success', () => {
    it('sends JSON with the service headers and the Idempotency-Key, and parses the JSON answer', async () => {
      const response = await callJsonService(service(), { ...update(), headers: { 'X-Trace': 'trace-1' } });

      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ alert_id: 'ALT-1', status: 'meeting_scheduled' });
      expect(response.headers['content-type']).toContain('application/json');
      const [request] = chainsync.received;
      expect(request).toMatchObject({ method: 'PUT', path: '/alerts/ALT-1/status', body: { alert_id: 'ALT-1', status: 'meeting_scheduled' } });
      expect(request?.headers).toMatchObject({
        authorization: `Bearer ${apiKey}`,
        'x-api-key': apiKey,
        'idempotency-key': 'run-1:ALT-1',
        'content-type': 'application/json; charset=utf-8',
        accept: 'application/json',
        'x-trace': 'trace-1',
      });
    });

    it('appends the query without undefined values and sends no body or content type for a GET', async () => {
      const raw = await rawServer((request, response) => response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ url: request.url, type: request.headers['content-type'] ?? null })));
      opened.push(raw);
      const response = await callJsonService(service({ baseUrl: raw.url }), { method: 'GET', path: '/meetings', query: { alert_reference: 'ALT 1', status: undefined, limit: 5, open: true } });
      expect(response.body).toEqual({ url: '/meetings?alert_reference=ALT+1&limit=5&open=true', type: null });
    });

    it('answers an empty 2xx body (204) as undefined', async () => {
      const raw = await rawServer((_request, response) => response.writeHead(204).end());
      opened.push(raw);
      await expect(callJsonService(service({ baseUrl: raw.url }), { method: 'DELETE', path: '/x' })).resolves.toMatchObject({ status: 204, body: undefined });
    });

    it('refuses a path that does not start with a slash (a bug in the caller)', async () => {
      await expect(callJsonService(service(), { method: 'GET', path: 'alerts' })).rejects.toThrow('must start with "/"');
    });
  });

  describe('failures', () => {
    it.each([
      [400, false],
      [401, false],
      [404, false],
      [409, false],
      [422, false],
      [408, true],
      [429, true],
      [500, true],
      [502, true],
      [503, true],
      [504, true],
    ])('HTTP %i is http_<status> with retryable %s, the body kept and its message in the error', async (status, retryable) => {
      chainsync.failNext(1, status, { body: { error: { code: 'nope', message: `stand-in says ${status}` } } });
      const error = await failure(callJsonService(service(), update()));
      expect(error).toMatchObject({ name: 'ServiceError', service: 'chainsync', code: `http_${status}`, statusCode: status, retryable, retryAfterMs: undefined, body: { error: { code: 'nope' } } });
      expect(error.message).toMatch(new RegExp(`^chainsync: PUT /alerts/ALT-1/status: HTTP ${status} .*: stand-in says ${status}$`));
    });

    it('a wrong key is a permanent http_401', async () => {
      const error = await failure(callJsonService(service({ headers: { 'x-api-key': 'wrong-key-123' } }), update()));
      expect(error).toMatchObject({ code: 'http_401', retryable: false });
    });

    it('a redirect is not followed: a permanent http_3xx', async () => {
      const raw = await rawServer((_request, response) => response.writeHead(302, { location: 'http://127.0.0.1:1/elsewhere' }).end());
      opened.push(raw);
      const error = await failure(callJsonService(service({ baseUrl: raw.url }), { method: 'GET', path: '/x' }));
      expect(error).toMatchObject({ code: 'http_302', retryable: false, statusCode: 302 });
    });

    it('429 and 503 carry Retry-After as retryAfterMs (seconds or an HTTP date); other statuses do not', async () => {
      chainsync.rateLimit(1, 7);
      expect(await failure(callJsonService(service(), update()))).toMatchObject({ code: 'http_429', retryable: true, retryAfterMs: 7_000 });

      chainsync.failNext(1, 503, { retryAfterSeconds: 2 });
      expect(await failure(callJsonService(service(), update()))).toMatchObject({ code: 'http_503', retryAfterMs: 2_000 });

      chainsync.failNext(1, 500, { retryAfterSeconds: 2 });
      expect(await failure(callJsonService(service(), update()))).toMatchObject({ code: 'http_500', retryAfterMs: undefined });

      const nowMs = Date.UTC(2026, 0, 15, 10, 0, 0);
      const raw = await rawServer((_request, response) => response.writeHead(429, { 'retry-after': new Date(nowMs + 90_000).toUTCString() }).end());
      opened.push(raw);
      const dated = await failure(callJsonService(service({ baseUrl: raw.url, clock: { nowMs: () => nowMs } }), { method: 'GET', path: '/x' }));
      expect(dated).toMatchObject({ code: 'http_429', retryAfterMs: 90_000 });
    });

    it('a 2xx answer that is not JSON, or too large, is a permanent invalid_response', async () => {
      const raw = await rawServer((request, response) => {
        if (request.url === '/html') response.writeHead(200, { 'content-type': 'text/html' }).end('<html>maintenance</html>');
        else response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ padding: 'x'.repeat(2_000) }));
      });
      opened.push(raw);
      const html = await failure(callJsonService(service({ baseUrl: raw.url }), { method: 'GET', path: '/html' }));
      expect(html).toMatchObject({ code: 'invalid_response', retryable: false, statusCode: 200 });
      expect(html.message).toBe('chainsync: GET /html: HTTP 200 answer is not JSON');
      const large = await failure(callJsonService(service({ baseUrl: raw.url, maxResponseBytes: 1_000 }), { method: 'GET', path: '/large' }));
      expect(large).toMatchObject({ code: 'invalid_response', retryable: false });
    });

    it('a server that never answers is a retryable timeout after timeout_ms', async () => {
      chainsync.hang();
      const startedAt = Date.now();
      const error = await failure(callJsonService(service({ timeoutMs: 200 }), update()));
      expect(error).toMatchObject({ code: 'timeout', retryable: true, statusCode: undefined });
      expect(error.message).toBe('chainsync: PUT /alerts/ALT-1/status: no answer within 200 ms');
      expect(Date.now() - startedAt).toBeGreaterThanOrEqual(190);
      expect(Date.now() - startedAt).toBeLessThan(2_000);
    });

    it('a refused connection is a retryable connection_failed', async () => {
      const port = await closedPort();
      const error = await failure(callJsonService(service({ baseUrl: `http://127.0.0.1:${port}` }), update()));
      expect(error).toMatchObject({ code: 'connection_failed', retryable: true });
      expect(error.message).toContain('ECONNREFUSED');
      expect(error.cause).toBeDefined();
    });

    it('a connection the server closes without answering is a retryable connection_failed', async () => {
      chainsync.down({ mode: 'close' });
      expect(await failure(callJsonService(service(), update()))).toMatchObject({ code: 'connection_failed', retryable: true });
    });

    it("the caller's abort is a retryable aborted", async () => {
      chainsync.hang();
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 50);
      expect(await failure(callJsonService(service(), { ...update(), signal: controller.signal }))).toMatchObject({ code: 'aborted', retryable: true });
    });

    it('never puts credentials in messages or kept bodies, even when the service echoes them', async () => {
      const raw = await rawServer((request, response) =>
        response.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ message: `bad auth ${request.headers.authorization ?? ''} / ${request.headers['x-api-key'] ?? ''}` })),
      );
      opened.push(raw);
      const error = await failure(callJsonService(service({ baseUrl: raw.url }), { method: 'GET', path: '/x', headers: { 'x-user-token': 'user-token-abcdef' } }));
      const everything = `${error.message} ${JSON.stringify(error.body)}`;
      expect(everything).not.toContain(apiKey);
      expect(error.message).toContain('bad auth [redacted] / [redacted]');

      const echoUser = await rawServer((request, response) => response.writeHead(500).end(`token ${String(request.headers['x-user-token'])}`));
      opened.push(echoUser);
      const userError = await failure(callJsonService(service({ baseUrl: echoUser.url }), { method: 'GET', path: '/x', headers: { 'X-User-Token': 'user-token-abcdef' } }));
      expect(userError.message).toBe('chainsync: GET /x: HTTP 500 retryable error: token [redacted]');

      const port = await closedPort();
      const refused = await failure(callJsonService(service({ baseUrl: `http://user:${apiKey}@127.0.0.1:${port}` }), { method: 'GET', path: '/x?key=secret' }));
      expect(refused.message).not.toContain(apiKey);
    });
  });

  describe('circuit breaker', () => {
    it('opens after failure_threshold consecutive retryable failures and then fails fast with circuit_open and the remaining wait', async () => {
      let nowMs = 1_000_000;
      const api = service({ breaker: { failure_threshold: 3, half_open_after_ms: 10_000 }, clock: { nowMs: () => nowMs } });
      chainsync.down();
      for (let attempt = 0; attempt < 3; attempt += 1) expect(await failure(callJsonService(api, update()))).toMatchObject({ code: 'http_503' });
      expect(api.breaker.state()).toBe('open');
      expect(chainsync.received).toHaveLength(3);

      nowMs += 4_000;
      const startedAt = Date.now();
      const open = await failure(callJsonService(api, update()));
      expect(Date.now() - startedAt).toBeLessThan(50);
      expect(open).toMatchObject({ code: 'circuit_open', retryable: true, retryAfterMs: 6_000, service: 'chainsync' });
      expect(open.message).toBe('chainsync: circuit breaker open after 3 consecutive failures; next trial in 6000 ms');
      expect(chainsync.received).toHaveLength(3);
    });

    it('timeouts and refused connections count towards opening it', async () => {
      const port = await closedPort();
      const api = service({ baseUrl: `http://127.0.0.1:${port}`, breaker: { failure_threshold: 2, half_open_after_ms: 10_000 } });
      await failure(callJsonService(api, update()));
      await failure(callJsonService(api, update()));
      expect(await failure(callJsonService(api, update()))).toMatchObject({ code: 'circuit_open' });

      chainsync.hang();
      const slow = service({ timeoutMs: 100, breaker: { failure_threshold: 2, half_open_after_ms: 10_000 } });
      await failure(callJsonService(slow, update()));
      await failure(callJsonService(slow, update()));
      expect(slow.breaker.state()).toBe('open');
    });

    it('permanent failures (4xx, invalid answers) and aborts do not count; a success resets the count', async () => {
      const api = service({ breaker: { failure_threshold: 2, half_open_after_ms: 10_000 } });
      chainsync.failNext(5, 404);
      for (let attempt = 0; attempt < 5; attempt += 1) expect(await failure(callJsonService(api, update()))).toMatchObject({ code: 'http_404' });
      expect(api.breaker.state()).toBe('closed');

      chainsync.hang(3);
      for (let attempt = 0; attempt < 3; attempt += 1) {
        const controller = new AbortController();
        setTimeout(() => controller.abort(), 20);
        expect(await failure(callJsonService(api, { ...update(), signal: controller.signal }))).toMatchObject({ code: 'aborted' });
      }
      expect(api.breaker.state()).toBe('closed');

      chainsync.failNext(1, 500);
      await failure(callJsonService(api, update()));
      await callJsonService(api, update());
      chainsync.failNext(1, 500);
      await failure(callJsonService(api, update()));
      expect(api.breaker.state()).toBe('closed');
    });

    it('half-opens after half_open_after_ms: a successful trial closes it, a failed one opens it again', async () => {
      const api = service({ breaker: { failure_threshold: 2, half_open_after_ms: 150 } });
      chainsync.down();
      await failure(callJsonService(api, update()));
      await failure(callJsonService(api, update()));
      expect(await failure(callJsonService(api, update()))).toMatchObject({ code: 'circuit_open' });

      await sleep(170);
      expect(await failure(callJsonService(api, update()))).toMatchObject({ code: 'http_503' });
      expect(chainsync.received).toHaveLength(3);
      expect(await failure(callJsonService(api, update()))).toMatchObject({ code: 'circuit_open' });

      chainsync.up();
      await sleep(170);
      await expect(callJsonService(api, update())).resolves.toMatchObject({ status: 200 });
      expect(api.breaker.state()).toBe('closed');
      await expect(callJsonService(api, update('ALT-2'))).resolves.toMatchObject({ status: 200 });
    });

    it('is one breaker per service: another service to the same host is unaffected', async () => {
      const first = service({ breaker: { failure_threshold: 1, half_open_after_ms: 10_000 } });
      const second = service({ breaker: { failure_threshold: 1, half_open_after_ms: 10_000 } });
      chainsync.failNext(1, 503);
      await failure(callJsonService(first, update()));
      expect(await failure(callJsonService(first, update()))).toMatchObject({ code: 'circuit_open' });
      await expect(callJsonService(second, update())).resolves.toMatchObject({ status: 200 });
    });
  });

  describe('lifecycle and helpers', () => {
    it('close() closes the pool it made, twice safely, and leaves a given dispatcher open', async () => {
      const own = createJsonService({ name: 'own', baseUrl: chainsync.url, headers: {}, timeoutMs: 1_000, breaker });
      await own.close();
      await own.close();
      expect((own.dispatcher as Agent).closed).toBe(true);

      const dispatcher = new Agent();
      opened.push(dispatcher);
      const shared = createJsonService({ name: 'shared', baseUrl: chainsync.url, headers: {}, timeoutMs: 1_000, breaker, dispatcher });
      await shared.close();
      expect(dispatcher.closed).toBe(false);
    });

    it('createApiKeyService sends the key both ways, and is undefined without a base_url', async () => {
      const settings = { base_url: chainsync.url, api_key: apiKey, timeout_ms: 1_000, breaker };
      const api = createApiKeyService('chainsync', settings);
      expect(api).toBeDefined();
      if (api === undefined) return;
      opened.push(api);
      await callJsonService(api, update());
      expect(chainsync.received[0]?.headers).toMatchObject({ authorization: `Bearer ${apiKey}`, 'x-api-key': apiKey });
      expect(createApiKeyService('chainsync', { ...settings, base_url: undefined })).toBeUndefined();
    });

    it('notConfiguredError is permanent and names the setting and its environment variable', () => {
      expect(notConfiguredError('slotify', 'actions.slotify.base_url', 'SLOTIFY_API_URL')).toMatchObject({
        code: 'not_configured',
        retryable: false,
        message: 'slotify: not configured: set actions.slotify.base_url (env SLOTIFY_API_URL)',
      });
    });
  });
});
