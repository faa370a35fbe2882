import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSwitchboard, type TestSwitchboard } from '../support/test-switchboard.js';
import { countEvents, getEvent, getStatus, listLogs, newWhsec, post, registerEndpoint, signedHeaders } from './support/ingress-client.js';

const HMAC_OPTIONS = { signature_header: 'x-signature', prefix: 'sha256=' };
const HMAC = { scheme: 'hmac', ...HMAC_OPTIONS };

interface Answer {
  readonly status: number;
  readonly body: { event_id?: string; status?: string; event_type?: string };
}

/** Which events an endpoint keeps, what type they get, and what makes two deliveries the same. */
describe('event filter, event type and idempotency sources', () => {
  let sb: TestSwitchboard | undefined;
  const whsec = newWhsec();
  const hmacSecret = 'generic-hmac-secret';

  const server = (): TestSwitchboard => {
    if (sb === undefined) throw new Error('server not started');
    return sb;
  };

  beforeAll(async () => {
    sb = await startTestSwitchboard({ listen: true });
    await registerEndpoint(sb, { endpoint_id: 'orders-only', secret: whsec, events: ['order.*'] });
    await registerEndpoint(sb, { endpoint_id: 'typed-by-header', secret: whsec, event_type: { header: 'X-Event-Type' }, events: ['invoice.*', 'order.*'] });
    await registerEndpoint(sb, { endpoint_id: 'typed-by-pointer', secret: whsec, event_type: { json_pointer: '/meta/kind' } });
    await registerEndpoint(sb, { endpoint_id: 'keyed-by-header', verification: HMAC, secret: hmacSecret, idempotency: { header: 'X-Delivery-Id' } });
    await registerEndpoint(sb, { endpoint_id: 'keyed-by-pointer', verification: HMAC, secret: hmacSecret, idempotency: { json_pointer: '/data/id' } });
    await registerEndpoint(sb, { endpoint_id: 'keyed-by-pointer-2', verification: HMAC, secret: hmacSecret, idempotency: { json_pointer: '/data/id' } });
  });
  afterAll(async () => {
    await sb?.stop();
  });

  const send = async (endpointId: string, payload: unknown, extra: Record<string, string> = {}): Promise<Answer> => {
    const body = JSON.stringify(payload);
    const signing = endpointId.startsWith('keyed') ? signedHeaders('hmac', body, hmacSecret, { options: HMAC_OPTIONS }) : signedHeaders('standard-webhooks', body, whsec);
    const response = await post(server(), `/integration/webhooks/${endpointId}`, body, { ...signing, 'content-type': 'application/json', ...extra });
    return { status: response.status, body: (await response.json()) as Answer['body'] };
  };

  it('acknowledges an event outside `events` with 200 ignored, stores nothing, and logs it', async () => {
    const sb = server();
    const before = await countEvents(sb);
    expect(await send('orders-only', { type: 'payment.x', amount: 1 })).toEqual({ status: 200, body: { status: 'ignored', event_type: 'payment.x' } });
    expect(await send('orders-only', { type: 'orders.created' })).toMatchObject({ status: 200, body: { status: 'ignored' } });
    expect(await countEvents(sb)).toBe(before);
    const accepted = await send('orders-only', { type: 'order.created' });
    expect(accepted).toMatchObject({ status: 202, body: { status: 'accepted' } });
    expect(await countEvents(sb)).toBe(before + 1);
    const logs = await listLogs(sb, 'orders-only');
    expect(logs.map((log) => [log.outcome, log.reason, log.status, log.event_id])).toEqual([
      ['accepted', null, 202, accepted.body.event_id],
      ['ignored', 'event_not_subscribed', 200, null],
      ['ignored', 'event_not_subscribed', 200, null],
    ]);
    expect((await getStatus(sb, 'orders-only')).counts).toMatchObject({ accepted: 1, ignored: 2, rejected: 0, total: 3 });
  });

  it('takes the event type from the configured header, before the body, and filters on it', async () => {
    const sb = server();
    const fromHeader = await send('typed-by-header', { type: 'order.created' }, { 'x-event-type': 'invoice.paid' });
    expect(fromHeader.status).toBe(202);
    expect((await getEvent(sb, fromHeader.body.event_id as string)).type).toBe('invoice.paid');
    expect(await send('typed-by-header', { type: 'order.created' }, { 'x-event-type': 'payment.x' })).toMatchObject({ status: 200, body: { status: 'ignored', event_type: 'payment.x' } });
    // Without the header, the body's own `type` is used (and filtered).
    const fallback = await send('typed-by-header', { type: 'order.shipped' });
    expect((await getEvent(sb, fallback.body.event_id as string)).type).toBe('order.shipped');
  });

  it('takes the event type from the configured JSON pointer', async () => {
    const sb = server();
    const nested = await send('typed-by-pointer', { type: 'ignored.here', meta: { kind: 'alert.raised' } });
    expect((await getEvent(sb, nested.body.event_id as string)).type).toBe('alert.raised');
    const absent = await send('typed-by-pointer', { type: 'body.type', meta: {} });
    expect((await getEvent(sb, absent.body.event_id as string)).type).toBe('body.type');
    const neither = await send('typed-by-pointer', { meta: { kind: { not: 'a string' } } });
    expect((await getEvent(sb, neither.body.event_id as string)).type).toBe('webhook.received');
  });

  it('deduplicates on the configured header: same id is a duplicate even with another body', async () => {
    const sb = server();
    const before = await countEvents(sb);
    const first = await send('keyed-by-header', { n: 1 }, { 'x-delivery-id': 'dlv-1' });
    expect(first).toEqual({ status: 202, body: { event_id: expect.any(String), status: 'accepted' } });
    expect(await send('keyed-by-header', { n: 2 }, { 'x-delivery-id': 'dlv-1' })).toEqual({ status: 200, body: { event_id: first.body.event_id, status: 'duplicate' } });
    expect((await send('keyed-by-header', { n: 1 }, { 'x-delivery-id': 'dlv-2' })).status).toBe(202);
    // No key at all: nothing to deduplicate on, every delivery is stored.
    expect((await send('keyed-by-header', { n: 3 })).status).toBe(202);
    expect((await send('keyed-by-header', { n: 3 })).status).toBe(202);
    expect(await countEvents(sb)).toBe(before + 4);
    expect((await getEvent(sb, first.body.event_id as string))['idempotencykey']).toBe('dlv-1');
  });

  it('deduplicates on the configured JSON pointer, numbers included, per endpoint', async () => {
    const first = await send('keyed-by-pointer', { data: { id: 42 }, v: 1 });
    expect(first.status).toBe(202);
    expect(await send('keyed-by-pointer', { v: 2, data: { id: 42 } })).toEqual({ status: 200, body: { event_id: first.body.event_id, status: 'duplicate' } });
    expect((await send('keyed-by-pointer', { data: { id: '42' } })).body).toEqual({ event_id: first.body.event_id, status: 'duplicate' });
    expect((await send('keyed-by-pointer', { data: { id: 43 } })).status).toBe(202);
    // The same key on another endpoint is another event.
    const elsewhere = await send('keyed-by-pointer-2', { data: { id: 42 } });
    expect(elsewhere.status).toBe(202);
    expect(elsewhere.body.event_id).not.toBe(first.body.event_id);
  });
});
