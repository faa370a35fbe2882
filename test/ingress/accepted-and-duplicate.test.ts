import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Clock } from '../../src/core/clock.js';
import { dialects } from '../support/test-database.js';
import { startTestSwitchboard, type TestSwitchboard } from '../support/test-switchboard.js';
import { countEvents, expectRefused, getEvent, getStatus, listLogs, newWhsec, post, registerEndpoint, signedHeaders } from './support/ingress-client.js';
import { pythonChainsyncSignature } from './support/python-chainsync-signature.js';

const API_KEY = 'chainsync-webhook-api-key';
const CHAINSYNC_SECRET = 'your-hmac-secret-key';

/** Seed 000's example alert, with a non-ASCII character so Python's escaping is exercised too. */
function alert(id: string): Record<string, unknown> {
  return {
    alert_id: id,
    alert_type: 'system_failure',
    severity: 'critical',
    description: 'Database connection pool exhausted — café',
    affected_systems: ['API Gateway', 'User Service'],
    detected_at: '2025-11-26T10:30:00Z',
    context: { connection_count: 100, max_connections: 100 },
  };
}

interface Answer {
  readonly status: number;
  readonly body: { event_id?: string; status?: string };
}

async function answer(response: Response): Promise<Answer> {
  return { status: response.status, body: (await response.json()) as Answer['body'] };
}

describe.each(dialects)('accepted and duplicate webhooks over HTTP (%s)', (dialect) => {
  let sb: TestSwitchboard;
  let offsetMs = 0;
  const clock: Clock = { nowMs: () => Date.now() + offsetMs };
  const whsec = newWhsec();

  beforeAll(async () => {
    sb = await startTestSwitchboard({ dialect, listen: true, clock });
    await registerEndpoint(sb, { endpoint_id: 'orders', secret: whsec });
    await registerEndpoint(sb, {
      endpoint_id: 'chainsync-alerts',
      path: '/webhooks/chainsync/alert',
      verification: { scheme: 'chainsync' },
      secret: CHAINSYNC_SECRET,
      api_key: API_KEY,
      idempotency: { json_pointer: '/alert_id' },
      event_type: { json_pointer: '/alert_type' },
    });
  });
  afterAll(async () => {
    await sb?.stop();
  });

  it('stores a standard-webhooks delivery once: 202, then 200 duplicate with the same event_id', async () => {
    const body = JSON.stringify({ type: 'order.created', order: { id: 42 } });
    const headers = {
      'content-type': 'application/json',
      'webhook-id': 'msg_2Lh9wKcA',
      'webhook-timestamp': String(Math.floor(Date.now() / 1000)),
      'webhook-signature': new Webhook(whsec).sign('msg_2Lh9wKcA', new Date(), body),
    };
    const before = await countEvents(sb);
    const first = await answer(await post(sb, '/integration/webhooks/orders', body, headers));
    expect(first).toEqual({ status: 202, body: { event_id: expect.any(String), status: 'accepted' } });
    const second = await answer(await post(sb, '/integration/webhooks/orders', body, headers));
    expect(second).toEqual({ status: 200, body: { event_id: first.body.event_id, status: 'duplicate' } });
    expect(await countEvents(sb)).toBe(before + 1);

    const event = await getEvent(sb, first.body.event_id as string);
    expect(event).toMatchObject({ source: 'orders', type: 'order.created', data: { type: 'order.created', order: { id: 42 } } });
    expect(event).toMatchObject({ webhookid: 'msg_2Lh9wKcA', idempotencykey: 'msg_2Lh9wKcA', clientip: '127.0.0.1' });
    const logs = await listLogs(sb, 'orders');
    expect(logs.slice(0, 2).map((log) => [log.outcome, log.status, log.event_id])).toEqual([
      ['duplicate', 200, first.body.event_id],
      ['accepted', 202, first.body.event_id],
    ]);
  });

  it('answers concurrent redeliveries of one message with one 202 and duplicates of the same event', async () => {
    const body = JSON.stringify({ type: 'order.paid' });
    const headers = { ...signedHeaders('standard-webhooks', body, whsec, { messageId: 'msg_concurrent' }), 'content-type': 'application/json' };
    const before = await countEvents(sb);
    const answers = await Promise.all(Array.from({ length: 8 }, async () => answer(await post(sb, '/integration/webhooks/orders', body, headers))));
    const accepted = answers.filter((a) => a.status === 202);
    expect(accepted).toHaveLength(1);
    const eventId = accepted[0]?.body.event_id;
    expect(answers.filter((a) => a.status === 200)).toEqual(Array.from({ length: 7 }, () => ({ status: 200, body: { event_id: eventId, status: 'duplicate' } })));
    expect(await countEvents(sb)).toBe(before + 1);
  });

  it('refuses a replay of an accepted request once its timestamp leaves the tolerance window', async () => {
    const body = JSON.stringify({ type: 'order.refunded' });
    const headers = { ...signedHeaders('standard-webhooks', body, whsec, { messageId: 'msg_replayed' }), 'content-type': 'application/json' };
    expect((await answer(await post(sb, '/integration/webhooks/orders', body, headers))).status).toBe(202);
    offsetMs = 301_000;
    try {
      await expectRefused(sb, { status: 401, code: 'timestamp_out_of_window', endpointId: 'orders' }, () => post(sb, '/integration/webhooks/orders', body, headers));
    } finally {
      offsetMs = 0;
    }
    expect((await getStatus(sb, 'orders')).rejected_by_reason).toEqual({ timestamp_out_of_window: 1 });
  });

  it('receives on all three paths for one endpoint, with a signature from seed 000\'s Python snippet', async () => {
    const before = await countEvents(sb);
    const send = (path: string, payload: unknown) => {
      const signed = pythonChainsyncSignature(payload, CHAINSYNC_SECRET);
      return post(sb, path, signed.body, {
        'content-type': 'application/json',
        'x-api-key': API_KEY,
        'x-webhook-signature': signed.signature,
        'x-webhook-timestamp': signed.timestamp,
      });
    };
    const viaPath = await answer(await send('/webhooks/chainsync/alert', alert('chainsync-alert-12345')));
    expect(viaPath).toEqual({ status: 202, body: { event_id: expect.any(String), status: 'accepted' } });
    // The same alert on the two id paths is the same endpoint, so the configured idempotency key makes it a duplicate.
    for (const path of ['/integration/webhooks/chainsync-alerts', '/api/v1/integrations/webhook/chainsync-alerts']) {
      expect(await answer(await send(path, alert('chainsync-alert-12345')))).toEqual({ status: 200, body: { event_id: viaPath.body.event_id, status: 'duplicate' } });
    }
    const viaSeed004Path = await answer(await send('/api/v1/integrations/webhook/chainsync-alerts', alert('chainsync-alert-67890')));
    expect(viaSeed004Path.status).toBe(202);
    expect(await countEvents(sb)).toBe(before + 2);

    const event = await getEvent(sb, viaPath.body.event_id as string);
    expect(event).toMatchObject({ source: 'chainsync-alerts', type: 'system_failure', data: alert('chainsync-alert-12345') });
    expect(event['idempotencykey']).toBe('chainsync-alert-12345');
    const paths = (await listLogs(sb, 'chainsync-alerts')).map((log) => log.headers['x-webhook-signature']);
    expect(new Set(paths)).toEqual(new Set(['[redacted]']));
  });
});
