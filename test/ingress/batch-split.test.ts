import { Webhook } from 'standardwebhooks';
import { afterEach, describe, expect, it } from 'vitest';
import { dialects } from '../support/test-database.js';
import { startTestSwitchboard, type TestSwitchboard } from '../support/test-switchboard.js';

describe.each(dialects)('batch endpoints: one event per item (%s)', (dialect) => {
  let sb: TestSwitchboard | undefined;
  afterEach(async () => {
    await sb?.stop();
    sb = undefined;
  });

  async function start(split: Record<string, unknown>, routes: unknown[] = []) {
    sb = await startTestSwitchboard({ dialect, config: { routes } });
    const registered = await sb.app.inject({
      method: 'POST',
      url: '/integration/webhooks/register',
      headers: sb.auth,
      payload: { endpoint_id: 'batch', verification: { scheme: 'none' }, allow_unsigned: true, split, idempotency: { json_pointer: '/alert_id' }, events: ['alert.*'] },
    });
    expect(registered.statusCode).toBe(201);
    expect(registered.json()).toMatchObject({ split: { max_items: 1000, ...split } });
    const server = sb;
    return async (payload: unknown) => {
      const response = await server.app.inject({ method: 'POST', url: '/integration/webhooks/batch', headers: { 'content-type': 'application/json' }, payload: payload as object });
      return { status: response.statusCode, body: response.json() as Record<string, unknown> };
    };
  }

  const alert = (id: string, type = 'alert.created') => ({ alert_id: id, type, severity: 'high', alert_type: 'database', description: 'Pool exhausted', affected_systems: ['orders-db'] });

  it('stores each item as its own event, with its own idempotency key and type, and answers per item', async () => {
    const send = await start({ json_pointer: '' });
    const first = await send([alert('A-1'), alert('A-2'), alert('A-1'), alert('A-3', 'other.created')]);
    expect(first.status).toBe(202);
    expect(first.body).toMatchObject({ status: 'accepted', count: 4 });
    const results = first.body['results'] as Array<{ index: number; status: string; event_id?: string }>;
    expect(results.map((r) => r.status)).toEqual(['accepted', 'accepted', 'duplicate', 'ignored']);
    expect(results[2]?.event_id).toBe(results[0]?.event_id);
    const events = (await sb?.app.inject({ method: 'GET', url: '/api/v1/events?source=batch', headers: sb.auth }))?.json() as { events: Array<{ data: { alert_id: string } }> };
    expect(events.events.map((e) => e.data.alert_id).sort()).toEqual(['A-1', 'A-2']);
    const again = await send([alert('A-2')]);
    expect((again.body['results'] as Array<{ status: string }>)[0]?.status).toBe('duplicate');
  });

  it('keys each item of a batch whose delivery id belongs to the request by its position: the items stay apart, a redelivered batch is a duplicate item by item', async () => {
    sb = await startTestSwitchboard({ dialect });
    const secret = `whsec_${Buffer.from('a-batch-signing-secret-of-32-bytes!').toString('base64')}`;
    const registered = await sb.app.inject({
      method: 'POST',
      url: '/integration/webhooks/register',
      headers: sb.auth,
      payload: { endpoint_id: 'signed-batch', verification: { scheme: 'standard-webhooks' }, secret, split: { json_pointer: '/items' } },
    });
    expect(registered.statusCode).toBe(201);
    const server = sb;
    const send = async (messageId: string, items: unknown[]) => {
      const body = JSON.stringify({ items });
      const signature = new Webhook(secret).sign(messageId, new Date(), body);
      const response = await server.app.inject({
        method: 'POST',
        url: '/integration/webhooks/signed-batch',
        headers: { 'content-type': 'application/json', 'webhook-id': messageId, 'webhook-timestamp': String(Math.floor(Date.now() / 1000)), 'webhook-signature': signature },
        payload: body,
      });
      return response.json() as { count: number; results: Array<{ status: string; event_id?: string }> };
    };
    const items = [{ type: 'order.created', id: 1 }, { type: 'order.created', id: 2 }, { type: 'order.paid', id: 1 }];

    const first = await send('msg_batch_1', items);
    expect(first.results.map((r) => r.status)).toEqual(['accepted', 'accepted', 'accepted']);
    expect(new Set(first.results.map((r) => r.event_id)).size).toBe(3);
    const redelivered = await send('msg_batch_1', items);
    expect(redelivered.results.map((r) => r.status)).toEqual(['duplicate', 'duplicate', 'duplicate']);
    expect(redelivered.results.map((r) => r.event_id)).toEqual(first.results.map((r) => r.event_id));
    const next = await send('msg_batch_2', items);
    expect(next.results.map((r) => r.status)).toEqual(['accepted', 'accepted', 'accepted']);

    const events = (await server.app.inject({ method: 'GET', url: '/api/v1/events?source=signed-batch', headers: server.auth })).json() as { events: Array<{ idempotencykey: string }> };
    expect(events.events.map((e) => e.idempotencykey).sort()).toEqual(['msg_batch_1#0', 'msg_batch_1#1', 'msg_batch_1#2', 'msg_batch_2#0', 'msg_batch_2#1', 'msg_batch_2#2']);

    // An empty batch stores nothing but is logged; the metrics count items, as the log and the status do.
    expect(await send('msg_batch_3', [])).toEqual({ status: 'accepted', count: 0, results: [] });
    const logs = (await server.app.inject({ method: 'GET', url: '/integration/webhooks/signed-batch/logs?limit=1', headers: server.auth })).json() as { logs: Array<{ outcome: string; reason: string | null }> };
    expect(logs.logs[0]).toMatchObject({ outcome: 'ignored', reason: 'batch_empty' });
    const metrics = (await server.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toContain('switchboard_webhook_requests_total{endpoint="signed-batch",outcome="accepted",reason=""} 6');
    expect(metrics).toContain('switchboard_webhook_requests_total{endpoint="signed-batch",outcome="duplicate",reason=""} 3');
    expect(metrics).not.toContain('outcome="batch"');
  });

  it('answers each item with its sync route\'s answer', async () => {
    const route = {
      id: 'per-alert',
      match: { source: 'batch' },
      steps: [{ name: 'triage', kind: 'agent', agent: 'triage', with: { alert: 'event.data' } }],
      respond: { mode: 'sync', response: { alert_id: '=event.data.alert_id', level: '=steps.triage.level' } },
    };
    const send = await start({ json_pointer: '/alerts', max_items: 3 }, [route]);
    const answered = await send({ alerts: [alert('B-1'), { ...alert('B-2'), severity: 'low' }] });
    expect(answered.status).toBe(200);
    expect(answered.body['results']).toEqual([
      { index: 0, event_id: expect.any(String), status: 'accepted', response_status: 200, response: { alert_id: 'B-1', level: 'HIGH' } },
      { index: 1, event_id: expect.any(String), status: 'accepted', response_status: 200, response: { alert_id: 'B-2', level: 'LOW' } },
    ]);
  });

  it('refuses a batch that is not an array, or too long, and stores nothing', async () => {
    const send = await start({ json_pointer: '/alerts', max_items: 2 });
    for (const payload of [{ alerts: { not: 'an array' } }, { other: [] }, { alerts: [alert('C-1'), alert('C-2'), alert('C-3')] }]) {
      const refused = await send(payload);
      expect(refused.status).toBe(400);
      expect((refused.body['error'] as { code: string }).code).toBe('body_invalid');
    }
    const events = (await sb?.app.inject({ method: 'GET', url: '/api/v1/events?source=batch', headers: sb.auth }))?.json() as { events: unknown[] };
    expect(events.events).toEqual([]);
    expect((await send({ alerts: [] })).body).toEqual({ status: 'accepted', count: 0, results: [] });
  });
});
