import { pino } from 'pino';
import { Value } from 'typebox/value';
import { request } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ActionContext, AnyAction } from '../../src/actions/action.js';
import { createActionRegistry } from '../../src/actions/action-registry.js';
import { checkCalendlyHealth, createCalendlyActions, type CalendlyActionsOptions } from '../../src/actions/calendly/calendly-actions.js';
import { createCalendlyService } from '../../src/actions/calendly/calendly-service.js';
import type { CalendlyCredentials } from '../../src/actions/calendly/create-scheduling-link-action.js';
import type { JsonService } from '../../src/actions/service-client/call-json-service.js';
import type { ActionsConfig } from '../../src/config/actions-config-schema.js';
import { calendlyScheme } from '../../src/ingress/verify/calendly.js';
import { openHandleBaseline } from '../delivery/support/open-handles.js';
import { calendlyWebhook, startCalendlyApiServer, type CalendlyApiServer, type CalendlyStandInUser } from '../support/calendly-api-server.js';

const logger = pino({ level: 'silent' });
const context = (idempotencyKey = 'run-1:link'): ActionContext => ({ clock: { nowMs: () => Date.now() }, logger, idempotencyKey });
const fallbackUrl = 'https://calendly.com/acme-sales';
const signingKey = 'calendly-webhook-signing-key';

/** Runs an action as the run engine does: input checked against its input schema, output against its output schema. */
async function runAction(action: AnyAction, input: unknown): Promise<Record<string, unknown>> {
  expect(Value.Check(action.inputSchema, input), 'input').toBe(true);
  const output = await action.run(context(), input);
  if (action.outputSchema === undefined) throw new Error('no output schema');
  expect(Value.Errors(action.outputSchema, output)).toEqual([]);
  return output as Record<string, unknown>;
}

describe('calendly.create_scheduling_link', () => {
  let calendly: CalendlyApiServer;
  let alice: CalendlyStandInUser;
  let service: JsonService;
  let handles: ReturnType<typeof openHandleBaseline>;
  let stored: Record<string, CalendlyCredentials>;
  let recorded: string[];
  const opened: Array<{ close(): Promise<void> }> = [];

  const settings = (overrides: Partial<ActionsConfig['calendly']> = {}): ActionsConfig['calendly'] => ({
    base_url: calendly.url,
    fallback_url: fallbackUrl,
    timeout_ms: 2_000,
    breaker: { failure_threshold: 5, half_open_after_ms: 30_000 },
    ...overrides,
  });

  function action(overrides: Partial<ActionsConfig['calendly']> = {}, options: Partial<CalendlyActionsOptions> = {}): AnyAction {
    const effective = settings(overrides);
    service = createCalendlyService(effective);
    opened.push(service);
    const [created] = createCalendlyActions({
      settings: effective,
      credentials: async (userId) => stored[userId],
      recordLink: async (userId) => void recorded.push(userId),
      service,
      ...options,
    });
    if (created === undefined) throw new Error('no action');
    return created;
  }

  beforeEach(async () => {
    handles = openHandleBaseline();
    calendly = await startCalendlyApiServer({
      users: [{ token: 'alice-token', name: 'Alice Seller', eventTypes: [{ name: 'Intro Call', duration: 15, active: false }, { name: 'Sales Call', duration: 30 }, { name: 'Product Demo', duration: 45 }] }],
    });
    opened.push(calendly);
    alice = calendly.userByToken('alice-token') as CalendlyStandInUser;
    stored = { 'user-alice': { access_token: 'alice-token' } };
    recorded = [];
  });
  afterEach(async () => {
    for (const resource of opened.splice(0).reverse()) await resource.close();
    await handles.expectNoneLeft();
  });

  it('is the one Calendly action, described, with input and output schemas', () => {
    const registry = createActionRegistry([action()]);
    expect(registry.listActions().map((listed) => listed.name)).toEqual(['calendly.create_scheduling_link']);
    expect(registry.getAction('calendly.create_scheduling_link')?.description).toMatch(/^[A-Z].+\.$/);
  });

  describe('with Calendly answering', () => {
    it("creates a single-use link for the user's first active event type with the user's token, tagged with the lead", async () => {
      const output = await runAction(action(), { user_id: 'user-alice', lead_id: 'lead-42' });

      const [link] = calendly.links;
      expect(calendly.links).toHaveLength(1);
      expect(output).toEqual({ booking_url: `${link?.bookingUrl}?utm_source=switchboard&utm_content=lead-42`, fallback: false, event_type: alice.eventTypes[1]?.uri, event_type_name: 'Sales Call' });
      expect(link?.bookingUrl).toMatch(new RegExp(`^${calendly.url}/d/[a-z0-9]{3}-[a-z0-9]{3}-[a-z0-9]{3}$`));
      expect(calendly.received.map((seen) => `${seen.method} ${seen.path}`)).toEqual(['GET /users/me', 'GET /event_types', 'POST /scheduling_links']);
      expect(calendly.received.every((seen) => seen.headers.authorization === 'Bearer alice-token')).toBe(true);
      expect(calendly.received[1]?.query).toEqual({ user: alice.uri, active: 'true', count: '100' });
      expect(calendly.received[2]?.body).toEqual({ max_event_count: 1, owner: alice.eventTypes[1]?.uri, owner_type: 'EventType' });
      expect(calendly.received[2]?.headers['idempotency-key']).toBe('run-1:link');
      expect(recorded).toEqual(['user-alice']);
    });

    it('leaves the booking URL untagged without a lead id, and takes a numeric lead id as text', async () => {
      const created = action();
      expect((await runAction(created, { user_id: 'user-alice' })).booking_url).toBe(calendly.links[0]?.bookingUrl);
      expect((await runAction(created, { user_id: 'user-alice', lead_id: 7 })).booking_url).toBe(`${calendly.links[1]?.bookingUrl}?utm_source=switchboard&utm_content=7`);
    });

    it('uses actions.calendly.access_token for a user without a token of their own', async () => {
      calendly.addUser({ token: 'default-token', name: 'Team Account' });
      const output = await runAction(action({ access_token: 'default-token' }), { user_id: 'user-without-calendly' });

      expect(output.fallback).toBe(false);
      expect(calendly.received.every((seen) => seen.headers.authorization === 'Bearer default-token')).toBe(true);
    });

    it("picks the event type by name (case and spaces aside) from the input, else from the user's setting", async () => {
      stored['user-alice'] = { access_token: 'alice-token', event_type: 'sales call' };
      const created = action();

      expect(await runAction(created, { user_id: 'user-alice', event_type: '  product DEMO ' })).toMatchObject({ event_type: alice.eventTypes[2]?.uri, event_type_name: 'Product Demo' });
      expect(await runAction(created, { user_id: 'user-alice' })).toMatchObject({ event_type: alice.eventTypes[1]?.uri, event_type_name: 'Sales Call' });
      expect(await runAction(created, { user_id: 'user-alice', event_type: 'product-demo' })).toMatchObject({ event_type_name: 'Product Demo' });
      expect(calendly.links.map((link) => link.owner)).toEqual([alice.eventTypes[2]?.uri, alice.eventTypes[1]?.uri, alice.eventTypes[2]?.uri]);
    });

    it('creates the link straight away for an event type given by URI', async () => {
      const uri = alice.eventTypes[2]?.uri;
      stored['user-alice'] = { access_token: 'alice-token', event_type: uri };
      const output = await runAction(action(), { user_id: 'user-alice', lead_id: 'lead-1' });

      expect(output).toMatchObject({ fallback: false, event_type: uri });
      expect(output).not.toHaveProperty('event_type_name');
      expect(calendly.received.map((seen) => `${seen.method} ${seen.path}`)).toEqual(['POST /scheduling_links']);
    });

    it('finds a named event type beyond the first page of event types', async () => {
      const bob = calendly.addUser({ token: 'bob-token', eventTypes: Array.from({ length: 104 }, (_, index) => ({ name: `Slot ${index + 1}` })) });
      calendly.addEventType('bob-token', { name: 'Discovery' });
      stored['user-bob'] = { access_token: 'bob-token', event_type: 'Discovery' };
      const output = await runAction(action(), { user_id: 'user-bob' });

      expect(output).toMatchObject({ fallback: false, event_type: bob.eventTypes[104]?.uri });
      expect(calendly.received.filter((seen) => seen.path === '/event_types').map((seen) => seen.query.page_token !== undefined)).toEqual([false, true]);
    });

    it('makes links that book once, whose invitee webhooks name the lead', async () => {
      const { booking_url: bookingUrl } = await runAction(action(), { user_id: 'user-alice', lead_id: 'lead-42' });
      const page = await request(String(bookingUrl));
      expect(page.statusCode).toBe(200);
      await page.body.dump();

      const nowMs = Date.now();
      const invitee = calendly.book(String(bookingUrl), { email: 'lead@example.com', name: 'Lena Lead', startTime: '2025-12-01T15:00:00.000Z' });
      const created = calendlyWebhook('invitee.created', { ...invitee, nowMs }, signingKey);
      const verified = calendlyScheme.verify({ rawBody: Buffer.from(created.body), headers: created.headers, url: 'https://switchboard.example/webhooks/calendly', contentType: 'application/json' }, [signingKey], { tolerance_seconds: 180 }, nowMs);
      expect(verified).toMatchObject({ ok: true, eventType: 'invitee.created' });
      const delivery = JSON.parse(created.body) as { event: string; created_by: string; payload: Record<string, unknown> & { tracking: unknown; scheduled_event: Record<string, unknown> } };
      expect(delivery).toMatchObject({ event: 'invitee.created', created_by: alice.uri, payload: { email: 'lead@example.com', name: 'Lena Lead', status: 'active' } });
      expect(delivery.payload.tracking).toEqual({ utm_source: 'switchboard', utm_medium: null, utm_campaign: null, utm_content: 'lead-42', utm_term: null, salesforce_uuid: null });
      expect(delivery.payload.scheduled_event).toMatchObject({ name: 'Sales Call', start_time: '2025-12-01T15:00:00.000Z', end_time: '2025-12-01T15:30:00.000Z', event_type: alice.eventTypes[1]?.uri });
      expect(delivery.payload.event).toBe(delivery.payload.scheduled_event.uri);
      expect(delivery.payload.uri).toMatch(new RegExp(`^${String(delivery.payload.event)}/invitees/`));

      expect(() => calendly.book(String(bookingUrl), { email: 'other@example.com', name: 'Other' })).toThrow(/used up/);
      const used = await request(String(bookingUrl));
      expect(used.statusCode).toBe(410);
      await used.body.dump();

      const canceled = JSON.parse(calendlyWebhook('invitee.canceled', { ...invitee, cancellation: { reason: 'Found another vendor' } }, signingKey).body) as { payload: Record<string, unknown> };
      expect(canceled.payload).toMatchObject({ status: 'canceled', canceled: true, cancellation: { canceled_by: 'Lena Lead', reason: 'Found another vendor', canceler_type: 'invitee' }, tracking: { utm_content: 'lead-42' } });
    });
  });

  describe('degrades to the fallback link', () => {
    it('without any token, calling nobody', async () => {
      const output = await runAction(action(), { user_id: 'user-without-calendly', lead_id: 'lead-9' });

      expect(output).toEqual({ booking_url: `${fallbackUrl}?utm_source=switchboard&utm_content=lead-9`, fallback: true, reason: 'not_configured', message: expect.stringContaining('no Calendly access token') });
      expect(calendly.received).toEqual([]);
      expect(recorded).toEqual([]);
    });

    it('when Calendly answers 5xx, with the event type it was making the link for and when to try again', async () => {
      calendly.failNext(1, 503, 'scheduling_links');
      const output = await runAction(action(), { user_id: 'user-alice' });

      expect(output).toMatchObject({ booking_url: fallbackUrl, fallback: true, reason: 'unavailable', event_type: alice.eventTypes[1]?.uri, event_type_name: 'Sales Call' });
      expect(output.message).toMatch(/HTTP 503/);
      // No Retry-After from Calendly: try again when the breaker would let a call through (half_open_after_ms).
      expect(output).toMatchObject({ retry_after: 30 });
      expect(recorded).toEqual([]);
    });

    it('when rate limited, with retry_after from Retry-After', async () => {
      calendly.failNext(1, { status: 429, retryAfterSeconds: 30 });
      expect(await runAction(action(), { user_id: 'user-alice' })).toMatchObject({ fallback: true, reason: 'rate_limited', retry_after: 30 });
    });

    it('when Calendly does not answer in time, or cannot be reached', async () => {
      const created = action({ timeout_ms: 200 });
      calendly.program('users.me', 'hang');
      expect(await runAction(created, { user_id: 'user-alice' })).toMatchObject({ fallback: true, reason: 'unavailable', message: expect.stringMatching(/no answer within 200 ms/) });

      await calendly.down();
      expect(await runAction(created, { user_id: 'user-alice' })).toMatchObject({ fallback: true, reason: 'unavailable', message: expect.stringMatching(/connection failed/) });
      await calendly.up();
      expect(await runAction(created, { user_id: 'user-alice' })).toMatchObject({ fallback: false });
    });

    it('while the breaker is open after repeated failures, without calling Calendly', async () => {
      const created = action({ breaker: { failure_threshold: 2, half_open_after_ms: 30_000 } });
      calendly.failNext(2, 500);
      for (let attempt = 0; attempt < 2; attempt += 1) expect(await runAction(created, { user_id: 'user-alice' })).toMatchObject({ reason: 'unavailable' });
      const before = calendly.received.length;

      expect(await runAction(created, { user_id: 'user-alice' })).toMatchObject({ booking_url: fallbackUrl, fallback: true, reason: 'circuit_open', retry_after: 30 });
      expect(calendly.received).toHaveLength(before);
    });

    it('when the token is rejected (401) or lacks permission (403), and never opens the breaker for that', async () => {
      const created = action({ breaker: { failure_threshold: 1, half_open_after_ms: 30_000 } });
      stored['user-mallory'] = { access_token: 'revoked-token' };
      expect(await runAction(created, { user_id: 'user-mallory' })).toMatchObject({ fallback: true, reason: 'token_rejected', message: expect.stringMatching(/HTTP 401/) });

      calendly.addUser({ token: 'bob-token' });
      stored['user-bob'] = { access_token: 'bob-token', event_type: alice.eventTypes[1]?.uri };
      expect(await runAction(created, { user_id: 'user-bob' })).toMatchObject({ fallback: true, reason: 'permission_denied' });

      expect(await runAction(created, { user_id: 'user-alice' })).toMatchObject({ fallback: false });
    });

    it('when the event type is unknown, unnamed among the active ones, or the user has none active', async () => {
      const created = action();
      expect(await runAction(created, { user_id: 'user-alice', event_type: `${calendly.url}/event_types/NOPE` })).toMatchObject({ fallback: true, reason: 'event_type_not_found' });

      const named = await runAction(created, { user_id: 'user-alice', event_type: 'Intro Call' });
      expect(named).toMatchObject({ fallback: true, reason: 'event_type_not_found' });
      expect(named.message).toBe('no active Calendly event type is named "Intro Call" (active: "Sales Call", "Product Demo")');

      calendly.addUser({ token: 'idle-token', eventTypes: [{ name: 'Old', active: false }] });
      stored['user-idle'] = { access_token: 'idle-token' };
      expect(await runAction(created, { user_id: 'user-idle' })).toMatchObject({ fallback: true, reason: 'no_event_type' });
      expect(calendly.links).toEqual([]);
    });

    it('when a 2xx answer is not Calendly JSON', async () => {
      calendly.failNext(1, { status: 200, body: '<html>captive portal</html>' });
      expect(await runAction(action(), { user_id: 'user-alice' })).toMatchObject({ fallback: true, reason: 'invalid_response' });
    });
  });

  it('still answers the link when recording it fails', async () => {
    const created = action({}, { recordLink: () => Promise.reject(new Error('database is locked')) });
    expect(await runAction(created, { user_id: 'user-alice' })).toMatchObject({ fallback: false });
  });

  it('throws what is not a Calendly failure: reading the credentials failing', async () => {
    const created = action({}, { credentials: () => Promise.reject(new Error('store unavailable')) });
    await expect(created.run(context(), { user_id: 'user-alice' })).rejects.toThrow('store unavailable');
  });

  describe('checkCalendlyHealth', () => {
    it("answers whom the token belongs to, or why it does not work", async () => {
      const effective = settings();
      expect(await checkCalendlyHealth(effective, 'alice-token')).toEqual({
        configured: true,
        healthy: true,
        message: 'connected as Alice Seller',
        user: { uri: alice.uri, name: 'Alice Seller', scheduling_url: alice.schedulingUrl },
      });
      expect(await checkCalendlyHealth(effective, 'revoked-token')).toMatchObject({ configured: true, healthy: false, message: expect.stringMatching(/HTTP 401/) });
      expect(await checkCalendlyHealth(effective, undefined)).toEqual({ configured: false, healthy: false, message: 'no Calendly access token is set' });
      expect(await checkCalendlyHealth(settings({ access_token: 'alice-token' }), undefined)).toMatchObject({ healthy: true });
      expect(calendly.received.at(-1)?.headers.authorization).toBe('Bearer alice-token');
    });
  });
});
