import { createServer } from 'node:http';
import { pino } from 'pino';
import { Value } from 'typebox/value';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ActionContext, AnyAction } from '../../src/actions/action.js';
import { createActionRegistry } from '../../src/actions/action-registry.js';
import { createJsonService, type JsonService } from '../../src/actions/service-client/call-json-service.js';
import { createApiKeyService } from '../../src/actions/service-client/create-api-key-service.js';
import { ServiceError } from '../../src/actions/service-client/service-error.js';
import { createSlotifyActions } from '../../src/actions/slotify/slotify-actions.js';
import type { ActionsConfig } from '../../src/config/actions-config-schema.js';
import { closeHttpServer, listenOnLoopback } from '../delivery/support/listen-on-loopback.js';
import { openHandleBaseline } from '../delivery/support/open-handles.js';
import { startSlotifyApiServer, type SlotifyApiServer } from '../support/slotify-api-server.js';

const apiKey = 'slotify-live-0123456789';
const logger = pino({ level: 'silent' });
const context = (idempotencyKey: string): ActionContext => ({ clock: { nowMs: () => Date.UTC(2025, 10, 26, 10, 30) }, logger, idempotencyKey });

/** The seed's create_meeting call, as step input. */
const seedMeeting = {
  title: '[CRITICAL] System Failure Review',
  description: 'AI-generated context about the alert',
  scheduled_time: '2025-11-26T15:00:00Z',
  duration_minutes: 60,
  attendees: ['devops@company.com', 'sre@company.com'],
  alert_reference: 'chainsync-alert-12345',
};

/** Runs an action as the run engine does: input checked against its input schema, output against its output schema. */
async function runAction(actions: readonly AnyAction[], name: string, input: unknown, idempotencyKey = `run-1:${name}`): Promise<unknown> {
  const action = actions.find((candidate) => candidate.name === name);
  if (action === undefined) throw new Error(`no action ${name}`);
  expect(Value.Check(action.inputSchema, input), `input of ${name}`).toBe(true);
  const output = await action.run(context(idempotencyKey), input);
  expect(action.outputSchema, `output schema of ${name}`).toBeDefined();
  if (action.outputSchema !== undefined) expect(Value.Errors(action.outputSchema, output)).toEqual([]);
  return output;
}

async function serviceError(promise: Promise<unknown>): Promise<ServiceError> {
  const thrown: unknown = await promise.then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(thrown).toBeInstanceOf(ServiceError);
  return thrown as ServiceError;
}

const settings = (overrides: Partial<ActionsConfig['slotify']> = {}): ActionsConfig['slotify'] => ({ timeout_ms: 2_000, breaker: { failure_threshold: 5, half_open_after_ms: 30_000 }, ...overrides });

describe('slotify.* actions', () => {
  let slotify: SlotifyApiServer;
  let service: JsonService;
  let actions: AnyAction[];
  let handles: ReturnType<typeof openHandleBaseline>;
  const opened: Array<{ close(): Promise<void> }> = [];

  beforeEach(async () => {
    handles = openHandleBaseline();
    slotify = await startSlotifyApiServer({ apiKey });
    const created = createApiKeyService('slotify', settings({ base_url: slotify.url, api_key: apiKey }));
    if (created === undefined) throw new Error('no service');
    service = created;
    opened.push(slotify, service);
    actions = createSlotifyActions({ settings: settings(), service });
  });
  afterEach(async () => {
    for (const resource of opened.splice(0).reverse()) await resource.close();
    await handles.expectNoneLeft();
  });

  it('registers five actions, each with a description and input and output schemas', () => {
    const registry = createActionRegistry(actions);
    expect(registry.listActions().map((action) => action.name)).toEqual(['slotify.create_meeting', 'slotify.get_meeting', 'slotify.update_meeting', 'slotify.cancel_meeting', 'slotify.list_meetings']);
    for (const action of actions) {
      expect(action.description).toMatch(/^[A-Z].+\.$/);
      expect(action.outputSchema).toBeDefined();
    }
  });

  it('create_meeting posts the seed call with both auth headers and the idempotency key, and returns the meeting with its link', async () => {
    const meeting = await runAction(actions, 'slotify.create_meeting', seedMeeting, 'run-7:schedule');

    expect(meeting).toMatchObject({
      meeting_id: 'slotify-meeting-1',
      meeting_url: `${slotify.url}/m/slotify-meeting-1`,
      ...seedMeeting,
      status: 'scheduled',
    });
    const [request] = slotify.received;
    expect(request).toMatchObject({ method: 'POST', path: '/meetings', body: seedMeeting });
    expect(request?.headers).toMatchObject({ authorization: `Bearer ${apiKey}`, 'x-api-key': apiKey, 'idempotency-key': 'run-7:schedule' });
  });

  it('create_meeting repeated with the same idempotency key (a retried step) creates one meeting', async () => {
    const first = await runAction(actions, 'slotify.create_meeting', seedMeeting, 'run-7:schedule');
    const again = await runAction(actions, 'slotify.create_meeting', seedMeeting, 'run-7:schedule');
    expect(again).toEqual(first);
    expect(slotify.meetings.size).toBe(1);
    expect(slotify.replayedCount()).toBe(1);

    await runAction(actions, 'slotify.create_meeting', seedMeeting, 'run-8:schedule');
    expect(slotify.meetings.size).toBe(2);
  });

  it('create_meeting sends an empty attendee list when none is given, and leaves out absent optional fields', async () => {
    await runAction(actions, 'slotify.create_meeting', { title: 'Review', scheduled_time: '2025-11-26T15:00:00+01:00', duration_minutes: 15 });
    expect(slotify.received[0]?.body).toEqual({ title: 'Review', scheduled_time: '2025-11-26T15:00:00+01:00', duration_minutes: 15, attendees: [] });
  });

  it('create_meeting input must have a title, an ISO 8601 time and a whole duration', () => {
    const schema = actions[0]?.inputSchema;
    if (schema === undefined) throw new Error('no schema');
    expect(Value.Check(schema, seedMeeting)).toBe(true);
    expect(Value.Check(schema, { ...seedMeeting, scheduled_time: 'tomorrow at 3' })).toBe(false);
    expect(Value.Check(schema, { ...seedMeeting, duration_minutes: 0 })).toBe(false);
    expect(Value.Check(schema, { ...seedMeeting, title: '' })).toBe(false);
  });

  it('get, update, cancel and list meetings', async () => {
    const created = (await runAction(actions, 'slotify.create_meeting', seedMeeting, 'k1')) as { meeting_id: string };
    await runAction(actions, 'slotify.create_meeting', { ...seedMeeting, alert_reference: 'other-alert' }, 'k2');

    expect(await runAction(actions, 'slotify.get_meeting', { meeting_id: created.meeting_id }, 'k3')).toMatchObject({ meeting_id: created.meeting_id, title: seedMeeting.title });

    const updated = await runAction(actions, 'slotify.update_meeting', { meeting_id: created.meeting_id, duration_minutes: 90, attendees: ['cto@company.com'] }, 'k4');
    expect(updated).toMatchObject({ duration_minutes: 90, attendees: ['cto@company.com'], title: seedMeeting.title });
    expect(slotify.received.at(-1)).toMatchObject({ method: 'PATCH', path: `/meetings/${created.meeting_id}`, body: { duration_minutes: 90, attendees: ['cto@company.com'] } });

    const cancelled = await runAction(actions, 'slotify.cancel_meeting', { meeting_id: created.meeting_id, reason: 'resolved' }, 'k5');
    expect(cancelled).toMatchObject({ meeting_id: created.meeting_id, status: 'cancelled' });
    expect(slotify.received.at(-1)).toMatchObject({ method: 'POST', path: `/meetings/${created.meeting_id}/cancel`, body: { reason: 'resolved' } });

    const listed = (await runAction(actions, 'slotify.list_meetings', { alert_reference: 'chainsync-alert-12345', status: 'cancelled', limit: 10 }, 'k6')) as { meetings: unknown[] };
    expect(listed.meetings).toEqual([expect.objectContaining({ meeting_id: created.meeting_id, status: 'cancelled' })]);
    expect(slotify.received.at(-1)).toMatchObject({ method: 'GET', path: '/meetings', query: { alert_reference: 'chainsync-alert-12345', status: 'cancelled', limit: '10' } });
    expect(((await runAction(actions, 'slotify.list_meetings', {}, 'k7')) as { meetings: unknown[] }).meetings).toHaveLength(2);
    for (const request of slotify.received) expect(request.headers['idempotency-key']).toMatch(/^k\d$/);
  });

  it('an unknown meeting is a permanent http_404', async () => {
    const error = await serviceError(runAction(actions, 'slotify.get_meeting', { meeting_id: 'slotify-meeting-404' }));
    expect(error).toMatchObject({ code: 'http_404', retryable: false, service: 'slotify' });
    expect(error.message).toBe('slotify: GET /meetings/slotify-meeting-404: HTTP 404 permanent error: no meeting slotify-meeting-404');
  });

  it('a retryable failure throws a retryable ServiceError, and the retry with the same key creates the meeting once', async () => {
    slotify.failNext(1, 503, { retryAfterSeconds: 3 });
    const error = await serviceError(runAction(actions, 'slotify.create_meeting', seedMeeting, 'run-9:schedule'));
    expect(error).toMatchObject({ code: 'http_503', retryable: true, retryAfterMs: 3_000 });
    await runAction(actions, 'slotify.create_meeting', seedMeeting, 'run-9:schedule');
    await runAction(actions, 'slotify.create_meeting', seedMeeting, 'run-9:schedule');
    expect(slotify.meetings.size).toBe(1);
  });

  it('a wrong API key is a permanent http_401', async () => {
    const wrong = createApiKeyService('slotify', settings({ base_url: slotify.url, api_key: 'not-the-key' }));
    if (wrong === undefined) throw new Error('no service');
    opened.push(wrong);
    const error = await serviceError(runAction(createSlotifyActions({ settings: settings(), service: wrong }), 'slotify.get_meeting', { meeting_id: 'x' }));
    expect(error).toMatchObject({ code: 'http_401', retryable: false });
    expect(error.message).not.toContain('not-the-key');
  });

  describe('lenient parsing', () => {
    it.each([
      [{ envelope: 'meeting', idField: 'meeting_id', urlField: 'url' }],
      [{ envelope: 'data', idField: 'id', urlField: 'join_url' }],
      [{ envelope: 'none', idField: 'meeting_id', urlField: 'meeting_url' }],
    ] as const)('reads meetings shaped %j', async (shape) => {
      slotify.setShape(shape);
      const created = await runAction(actions, 'slotify.create_meeting', seedMeeting, 'k1');
      expect(created).toMatchObject({ meeting_id: 'slotify-meeting-1', meeting_url: `${slotify.url}/m/slotify-meeting-1`, title: seedMeeting.title });
      expect(await runAction(actions, 'slotify.get_meeting', { meeting_id: 'slotify-meeting-1' }, 'k2')).toMatchObject({ meeting_id: 'slotify-meeting-1' });
      expect(((await runAction(actions, 'slotify.list_meetings', {}, 'k3')) as { meetings: unknown[] }).meetings).toEqual([expect.objectContaining({ meeting_id: 'slotify-meeting-1' })]);
    });

    it('reads nested envelopes, numeric ids, attendee objects and numeric strings; keeps the raw meeting', async () => {
      const raw = await answering(200, { data: { meeting: { meeting_id: 42, join_url: 'https://slotify.example/j/42', attendees: [{ email: 'a@x.io' }, 'b@x.io'], duration_minutes: '45', status: 'scheduled', extra: true } } });
      const meeting = await runAction(createSlotifyActions({ settings: settings(), service: raw }), 'slotify.get_meeting', { meeting_id: '42' });
      expect(meeting).toEqual({
        meeting_id: '42',
        meeting_url: 'https://slotify.example/j/42',
        title: null,
        description: null,
        scheduled_time: null,
        duration_minutes: 45,
        attendees: ['a@x.io', 'b@x.io'],
        alert_reference: null,
        status: 'scheduled',
        raw: { meeting_id: 42, join_url: 'https://slotify.example/j/42', attendees: [{ email: 'a@x.io' }, 'b@x.io'], duration_minutes: '45', status: 'scheduled', extra: true },
      });
    });

    it('an answer without a meeting id, or a created meeting without a link, is a permanent invalid_response', async () => {
      const noId = await answering(200, { ok: true });
      const error = await serviceError(runAction(createSlotifyActions({ settings: settings(), service: noId }), 'slotify.get_meeting', { meeting_id: '1' }));
      expect(error).toMatchObject({ code: 'invalid_response', retryable: false });

      const noLink = await answering(201, { id: 'm-1', title: 'x' });
      const created = await serviceError(runAction(createSlotifyActions({ settings: settings(), service: noLink }), 'slotify.create_meeting', seedMeeting));
      expect(created).toMatchObject({ code: 'invalid_response', retryable: false });
      expect(created.message).toContain('m-1 was answered without a meeting_url');

      const noList = await answering(200, { meetings: 'none' });
      expect(await serviceError(runAction(createSlotifyActions({ settings: settings(), service: noList }), 'slotify.list_meetings', {}))).toMatchObject({ code: 'invalid_response' });
    });
  });

  describe('not configured', () => {
    it('every action throws a permanent not_configured naming actions.slotify.base_url and SLOTIFY_API_URL, sending nothing', async () => {
      const unconfigured = createSlotifyActions({ settings: settings({ api_key: apiKey }) });
      const inputs: Record<string, unknown> = {
        'slotify.create_meeting': seedMeeting,
        'slotify.get_meeting': { meeting_id: 'm' },
        'slotify.update_meeting': { meeting_id: 'm', title: 't' },
        'slotify.cancel_meeting': { meeting_id: 'm' },
        'slotify.list_meetings': {},
      };
      for (const action of unconfigured) {
        const error = await serviceError(action.run(context('k'), inputs[action.name]));
        expect(error).toMatchObject({ code: 'not_configured', retryable: false, service: 'slotify' });
        expect(error.message).toBe('slotify: not configured: set actions.slotify.base_url (env SLOTIFY_API_URL)');
      }
      expect(slotify.received).toHaveLength(0);
    });

    it('with a base_url and no service, the actions build their own from the settings', async () => {
      const own = createSlotifyActions({ settings: settings({ base_url: slotify.url, api_key: apiKey }) });
      expect(await runAction(own, 'slotify.create_meeting', seedMeeting)).toMatchObject({ meeting_id: 'slotify-meeting-1' });
      expect(slotify.received[0]?.headers).toMatchObject({ 'x-api-key': apiKey });
    });
  });

  /** A service over a raw server that answers every request with `status` and `body`. */
  async function answering(status: number, body: unknown): Promise<JsonService> {
    const server = createServer((_request, response) => response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body)));
    const port = await listenOnLoopback(server);
    const api = createJsonService({ name: 'slotify', baseUrl: `http://127.0.0.1:${port}`, headers: {}, timeoutMs: 1_000, breaker: settings().breaker });
    opened.push({ close: () => closeHttpServer(server) }, api);
    return api;
  }
});
