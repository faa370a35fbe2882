import { pino } from 'pino';
import { Value } from 'typebox/value';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ActionContext, AnyAction } from '../../src/actions/action.js';
import { createChainSyncActions } from '../../src/actions/chainsync/chainsync-actions.js';
import type { JsonService } from '../../src/actions/service-client/call-json-service.js';
import { createApiKeyService } from '../../src/actions/service-client/create-api-key-service.js';
import { ServiceError } from '../../src/actions/service-client/service-error.js';
import type { ActionsConfig } from '../../src/config/actions-config-schema.js';
import { closedPort } from '../delivery/support/closed-port.js';
import { openHandleBaseline } from '../delivery/support/open-handles.js';
import { startChainSyncApiServer, type ChainSyncApiServer } from '../support/chainsync-api-server.js';

const apiKey = 'chainsync-live-abcdef123';
const logger = pino({ level: 'silent' });
const context = (idempotencyKey: string): ActionContext => ({ clock: { nowMs: () => Date.UTC(2025, 10, 26, 10, 30) }, logger, idempotencyKey });
const settings = (overrides: Partial<ActionsConfig['chainsync']> = {}): ActionsConfig['chainsync'] => ({ timeout_ms: 2_000, breaker: { failure_threshold: 5, half_open_after_ms: 30_000 }, ...overrides });

/** The seed's update_alert_status call, as step input. */
const seedUpdate = {
  alert_id: 'chainsync-alert-12345',
  status: 'meeting_scheduled',
  meeting_url: 'https://slotify.com/meetings/xyz',
  notes: 'AI analysis complete. Meeting scheduled.',
};

async function serviceError(promise: Promise<unknown>): Promise<ServiceError> {
  const thrown: unknown = await promise.then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(thrown).toBeInstanceOf(ServiceError);
  return thrown as ServiceError;
}

describe('chainsync.update_alert_status', () => {
  let chainsync: ChainSyncApiServer;
  let service: JsonService;
  let action: AnyAction;
  let handles: ReturnType<typeof openHandleBaseline>;
  const opened: Array<{ close(): Promise<void> }> = [];

  beforeEach(async () => {
    handles = openHandleBaseline();
    chainsync = await startChainSyncApiServer({ apiKey });
    service = serviceFor(settings({ base_url: chainsync.url, api_key: apiKey }));
    opened.push(chainsync, service);
    [action] = actionsWith(service);
  });
  afterEach(async () => {
    for (const resource of opened.splice(0).reverse()) await resource.close();
    await handles.expectNoneLeft();
  });

  function serviceFor(values: ActionsConfig['chainsync']): JsonService {
    const created = createApiKeyService('chainsync', values);
    if (created === undefined) throw new Error('no service');
    return created;
  }
  function actionsWith(api: JsonService): [AnyAction] {
    const actions = createChainSyncActions({ settings: settings(), service: api });
    expect(actions).toHaveLength(1);
    return actions as [AnyAction];
  }

  /** Runs it as the run engine does: input and output checked against the schemas. */
  async function run(input: unknown, idempotencyKey = 'run-1:update_chainsync', target: AnyAction = action): Promise<unknown> {
    expect(Value.Check(target.inputSchema, input)).toBe(true);
    const output = await target.run(context(idempotencyKey), input);
    if (target.outputSchema !== undefined) expect(Value.Errors(target.outputSchema, output)).toEqual([]);
    return output;
  }

  it('is named chainsync.update_alert_status with a description and an output schema', () => {
    expect(action.name).toBe('chainsync.update_alert_status');
    expect(action.description).toMatch(/^[A-Z].+\.$/);
    expect(action.outputSchema).toBeDefined();
  });

  it('PUTs the seed update with both auth headers and the idempotency key, and returns {alert_id, status, updated, response}', async () => {
    const output = await run(seedUpdate, 'run-3:update_chainsync');

    expect(output).toEqual({
      alert_id: seedUpdate.alert_id,
      status: 'meeting_scheduled',
      updated: true,
      response: { ...seedUpdate, updated_at: expect.any(String) },
    });
    const [request] = chainsync.received;
    expect(request).toMatchObject({ method: 'PUT', path: '/alerts/chainsync-alert-12345/status', body: seedUpdate });
    expect(request?.headers).toMatchObject({ authorization: `Bearer ${apiKey}`, 'x-api-key': apiKey, 'idempotency-key': 'run-3:update_chainsync' });
    expect(chainsync.alerts.get(seedUpdate.alert_id)).toMatchObject({ status: 'meeting_scheduled', meeting_url: seedUpdate.meeting_url });
  });

  it('leaves out a missing or null meeting_url and notes, and encodes the alert id in the path', async () => {
    await run({ alert_id: 'ALT 1/2', status: 'acknowledged', meeting_url: null });
    expect(chainsync.received[0]).toMatchObject({ path: '/alerts/ALT%201%2F2/status', body: { alert_id: 'ALT 1/2', status: 'acknowledged' } });
    expect(chainsync.received[0]?.body).not.toHaveProperty('meeting_url');
    expect(chainsync.alerts.get('ALT 1/2')).toMatchObject({ status: 'acknowledged', meeting_url: null, notes: null });
  });

  it('a repeat with the same idempotency key records one update', async () => {
    const first = await run(seedUpdate, 'run-4:update');
    expect(await run(seedUpdate, 'run-4:update')).toEqual(first);
    expect(chainsync.updates).toHaveLength(1);
    expect(chainsync.replayedCount()).toBe(1);
  });

  it('input needs an alert_id and a status', () => {
    expect(Value.Check(action.inputSchema, { alert_id: 'a' })).toBe(false);
    expect(Value.Check(action.inputSchema, { alert_id: '', status: 's' })).toBe(false);
    expect(Value.Check(action.inputSchema, { alert_id: 'a', status: 's' })).toBe(true);
  });

  it('a rejected update (422) is permanent; 429 keeps its Retry-After; 5xx is retryable', async () => {
    const invalid = await serviceError(action.run(context('k'), { alert_id: 'a', status: 's', notes: 5 }));
    expect(invalid).toMatchObject({ code: 'http_422', retryable: false, service: 'chainsync' });
    expect(invalid.message).toBe('chainsync: PUT /alerts/a/status: HTTP 422 permanent error: notes must be a string');

    chainsync.rateLimit(1, 30);
    expect(await serviceError(run(seedUpdate))).toMatchObject({ code: 'http_429', retryable: true, retryAfterMs: 30_000 });
    chainsync.failNext(1, 502);
    expect(await serviceError(run(seedUpdate))).toMatchObject({ code: 'http_502', retryable: true });
    await run(seedUpdate);
    expect(chainsync.updates).toHaveLength(1);
  });

  it('times out against a server that never answers, and fails fast once the breaker opens', async () => {
    const slow = serviceFor(settings({ base_url: chainsync.url, api_key: apiKey, timeout_ms: 150, breaker: { failure_threshold: 2, half_open_after_ms: 30_000 } }));
    opened.push(slow);
    const [slowAction] = actionsWith(slow);
    chainsync.hang();
    expect(await serviceError(run(seedUpdate, 'k', slowAction))).toMatchObject({ code: 'timeout', retryable: true });
    expect(await serviceError(run(seedUpdate, 'k', slowAction))).toMatchObject({ code: 'timeout' });
    const open = await serviceError(run(seedUpdate, 'k', slowAction));
    expect(open).toMatchObject({ code: 'circuit_open', retryable: true });
    expect(open.retryAfterMs).toBeGreaterThan(29_000);
    expect(chainsync.received).toHaveLength(2);
  });

  it('a refused connection is a retryable connection_failed', async () => {
    const refused = serviceFor(settings({ base_url: `http://127.0.0.1:${await closedPort()}`, api_key: apiKey }));
    opened.push(refused);
    expect(await serviceError(run(seedUpdate, 'k', actionsWith(refused)[0]))).toMatchObject({ code: 'connection_failed', retryable: true });
  });

  it('without base_url it throws a permanent not_configured naming actions.chainsync.base_url and CHAINSYNC_API_URL', async () => {
    const [unconfigured] = createChainSyncActions({ settings: settings({ api_key: apiKey }) });
    if (unconfigured === undefined) throw new Error('no action');
    const error = await serviceError(unconfigured.run(context('k'), seedUpdate));
    expect(error).toMatchObject({ code: 'not_configured', retryable: false });
    expect(error.message).toBe('chainsync: not configured: set actions.chainsync.base_url (env CHAINSYNC_API_URL)');
    expect(chainsync.received).toHaveLength(0);
  });
});
