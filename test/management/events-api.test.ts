import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from '../support/test-database.js';
import { startTestSwitchboard, type TestSwitchboard } from '../support/test-switchboard.js';
import { signWebhook } from './sign-webhook.js';

interface Envelope {
  specversion: string;
  id: string;
  source: string;
  type: string;
  time: string;
  datacontenttype: string;
  data?: unknown;
  idempotencykey?: string;
}
interface EventPage {
  events: Envelope[];
  next_cursor: string | null;
}

const T0 = Date.parse('2026-01-15T09:00:00.000Z');
const MINUTE = 60_000;

/** Event ids are time-ordered to the millisecond; waiting for the next one keeps "newest first" exact. */
function waitForNextMillisecond(): void {
  const start = Date.now();
  while (Date.now() === start) {
    // spin: at most one millisecond
  }
}

describe.each(dialects)('events API (%s)', (dialect) => {
  let sb: TestSwitchboard;
  /** What was sent, oldest first: id, source, type, and the clock time it was received at. */
  const sent: Array<{ id: string; source: string; type: string; at: number }> = [];

  beforeAll(async () => {
    const now = { t: T0 };
    sb = await startTestSwitchboard({ dialect, clock: { nowMs: () => now.t } });
    const secrets: Record<string, string> = {};
    for (const endpointId of ['shop', 'crm']) {
      const registered = await sb.app.inject({ method: 'POST', url: '/integration/webhooks/register', headers: sb.auth, payload: { endpoint_id: endpointId } });
      secrets[endpointId] = registered.json<{ secret: string }>().secret;
    }
    const plan: Array<[string, string]> = [
      ['shop', 'order.created'],
      ['crm', 'contact.created'],
      ['shop', 'order.created'],
      ['shop', 'order.paid'],
      ['crm', 'contact.created'],
      ['shop', 'order.created'],
      ['crm', 'contact.created'],
      ['shop', 'order.paid'],
    ];
    for (const [n, [source, type]] of plan.entries()) {
      now.t = T0 + n * MINUTE;
      waitForNextMillisecond();
      const body = Buffer.from(JSON.stringify({ type, n }));
      const headers = signWebhook('standard-webhooks', body, secrets[source] as string, { nowMs: now.t, messageId: `evt_${n}` });
      const response = await sb.app.inject({ method: 'POST', url: `/integration/webhooks/${source}`, headers: { ...headers, 'content-type': 'application/json' }, payload: body });
      expect(response.statusCode).toBe(202);
      sent.push({ id: response.json<{ event_id: string }>().event_id, source, type, at: now.t });
    }
  });
  afterAll(async () => {
    await sb.stop();
    sent.length = 0;
  });

  const list = async (query: string): Promise<EventPage> => {
    const response = await sb.app.inject({ method: 'GET', url: `/api/v1/events${query}`, headers: sb.auth });
    expect(response.statusCode, response.body).toBe(200);
    return response.json<EventPage>();
  };
  const newestFirst = (filter: (e: (typeof sent)[number]) => boolean) => sent.filter(filter).reverse().map((e) => e.id);

  it('lists every event newest first', async () => {
    const page = await list('');
    expect(page.events.map((e) => e.id)).toEqual(newestFirst(() => true));
    expect(page.next_cursor).toBeNull();
    expect(page.events[0]).toMatchObject({ specversion: '1.0', source: 'shop', type: 'order.paid', datacontenttype: 'application/json', data: { type: 'order.paid', n: 7 } });
  });

  it('filters by source, type, since and until', async () => {
    expect((await list('?source=shop')).events.map((e) => e.id)).toEqual(newestFirst((e) => e.source === 'shop'));
    expect((await list('?type=order.paid')).events.map((e) => e.id)).toEqual(newestFirst((e) => e.type === 'order.paid'));
    expect((await list('?source=crm&type=contact.created')).events.map((e) => e.id)).toEqual(newestFirst((e) => e.source === 'crm'));
    expect((await list('?source=crm&type=order.paid')).events).toEqual([]);
    expect((await list('?source=nobody')).events).toEqual([]);

    const since = new Date(T0 + 3 * MINUTE).toISOString();
    const until = new Date(T0 + 6 * MINUTE).toISOString();
    expect((await list(`?since=${since}`)).events.map((e) => e.id)).toEqual(newestFirst((e) => e.at >= T0 + 3 * MINUTE));
    // `since` is inclusive and `until` exclusive.
    expect((await list(`?since=${since}&until=${until}`)).events.map((e) => e.id)).toEqual(newestFirst((e) => e.at >= T0 + 3 * MINUTE && e.at < T0 + 6 * MINUTE));
    expect((await list(`?until=${until}&source=shop`)).events.map((e) => e.id)).toEqual(newestFirst((e) => e.at < T0 + 6 * MINUTE && e.source === 'shop'));
  });

  it('pages with a cursor and returns every event exactly once', async () => {
    for (const [query, expected] of [
      ['', newestFirst(() => true)],
      ['&source=shop', newestFirst((e) => e.source === 'shop')],
    ] as const) {
      const seen: string[] = [];
      const sizes: number[] = [];
      let cursor: string | null = null;
      do {
        const page: EventPage = await list(`?limit=3${query}${cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`}`);
        sizes.push(page.events.length);
        seen.push(...page.events.map((e) => e.id));
        cursor = page.next_cursor;
      } while (cursor !== null && sizes.length < 10);
      expect(seen).toEqual(expected);
      expect(sizes.every((size) => size <= 3)).toBe(true);
    }
  });

  it.each([
    ['garbage', 'not-a-cursor!'],
    ['base64 of something else', Buffer.from('{"before":"x"}').toString('base64url')],
    ['an empty id', Buffer.from('{"after":""}').toString('base64url')],
  ])('answers 400 cursor_invalid for a cursor that is %s', async (_name, cursor) => {
    const response = await sb.app.inject({ method: 'GET', url: `/api/v1/events?cursor=${encodeURIComponent(cursor)}`, headers: sb.auth });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ error: { code: 'cursor_invalid' } });
  });

  it.each(['since=yesterday', 'until=2026-13-45', 'limit=0', 'limit=501', 'limit=ten'])('answers 400 validation_failed for %s', async (query) => {
    const response = await sb.app.inject({ method: 'GET', url: `/api/v1/events?${query}`, headers: sb.auth });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ error: { code: 'validation_failed' } });
  });

  it('gets one event by id, and 404 event_not_found for an unknown id', async () => {
    const first = sent[0] as (typeof sent)[number];
    const response = await sb.app.inject({ method: 'GET', url: `/api/v1/events/${first.id}`, headers: sb.auth });
    expect(response.statusCode).toBe(200);
    const event = response.json<Envelope>();
    expect(event).toMatchObject({ specversion: '1.0', id: first.id, source: 'shop', type: 'order.created', time: new Date(T0).toISOString(), data: { type: 'order.created', n: 0 } });
    expect(event).toMatchObject({ idempotencykey: 'evt_0' });
    expect(JSON.stringify(event)).not.toMatch(/webhook-signature|v1,/);

    const missing = await sb.app.inject({ method: 'GET', url: '/api/v1/events/00000000-0000-7000-8000-000000000000', headers: sb.auth });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ error: { code: 'event_not_found' } });
    expect((await sb.app.inject({ method: 'GET', url: `/api/v1/events/${first.id}` })).statusCode).toBe(401);
  });
});
