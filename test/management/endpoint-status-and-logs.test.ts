import { afterEach, describe, expect, it, vi } from 'vitest';
import { dialects } from '../support/test-database.js';
import { startTestSwitchboard, type TestSwitchboard } from '../support/test-switchboard.js';
import { signWebhook } from './sign-webhook.js';

interface StatusBody {
  endpoint_id: string;
  active: boolean;
  counts: { accepted: number; duplicate: number; ignored: number; rejected: number; total: number };
  rejected_by_reason: Record<string, number>;
  last_accepted_at: string | null;
  last_request_at: string | null;
}

interface LogsBody {
  logs: Array<{ id: string; time: string; client_ip: string; outcome: string; reason: string | null; status: number; latency_ms: number; event_id: string | null; headers: Record<string, string> }>;
  next_cursor: string | null;
}

const T0 = Date.parse('2026-03-01T12:00:00.000Z');

describe.each(dialects)('management API: status, logs and deactivation (%s)', (dialect) => {
  let sb: TestSwitchboard | undefined;
  afterEach(async () => {
    await sb?.stop();
    sb = undefined;
  });

  /** A switchboard whose clock stands still at `now.t` until the test moves it. */
  async function start(): Promise<{ sb: TestSwitchboard; now: { t: number } }> {
    const now = { t: T0 };
    sb = await startTestSwitchboard({ dialect, clock: { nowMs: () => now.t } });
    return { sb, now };
  }

  async function registerEndpoint(app: TestSwitchboard, payload: Record<string, unknown>): Promise<string> {
    const response = await app.app.inject({ method: 'POST', url: '/integration/webhooks/register', headers: app.auth, payload });
    expect(response.statusCode).toBe(201);
    return response.json<{ secret?: string }>().secret ?? (payload['secret'] as string);
  }

  it('counts accepted, duplicate and rejected requests by reason', async () => {
    const { sb, now } = await start();
    const secret = await registerEndpoint(sb, { endpoint_id: 'counted' });
    const send = (body: Buffer, headers: Record<string, string>, contentType = 'application/json') =>
      sb.app.inject({ method: 'POST', url: '/integration/webhooks/counted', headers: { ...headers, 'content-type': contentType }, payload: body });
    const body = (n: number) => Buffer.from(JSON.stringify({ type: 'order.created', n }));

    const first = signWebhook('standard-webhooks', body(1), secret, { nowMs: now.t, messageId: 'msg_1' });
    expect((await send(body(1), first)).statusCode).toBe(202);
    now.t += 1000;
    expect((await send(body(1), first)).statusCode).toBe(200);
    now.t += 1000;
    expect((await send(body(2), signWebhook('standard-webhooks', body(2), secret, { nowMs: now.t, messageId: 'msg_2' }))).statusCode).toBe(202);
    const lastAcceptedAt = now.t;
    now.t += 1000;
    const tampered = signWebhook('standard-webhooks', body(3), secret, { nowMs: now.t, messageId: 'msg_3' });
    expect((await send(body(4), tampered)).json()).toMatchObject({ error: { code: 'signature_invalid' } });
    expect((await send(body(5), {})).json()).toMatchObject({ error: { code: 'signature_missing' } });
    const stale = signWebhook('standard-webhooks', body(6), secret, { nowMs: now.t - 3600_000, messageId: 'msg_6' });
    expect((await send(body(6), stale)).json()).toMatchObject({ error: { code: 'timestamp_out_of_window' } });
    now.t += 1000;
    // Refused in a hook before the body is read; its log row is written once the answer is sent.
    expect((await send(body(7), {}, 'image/png')).statusCode).toBe(415);

    await vi.waitFor(async () => {
      const status = await sb.app.inject({ method: 'GET', url: '/integration/webhooks/counted/status', headers: sb.auth });
      expect(status.statusCode).toBe(200);
      expect(status.json<StatusBody>()).toEqual({
        endpoint_id: 'counted',
        active: true,
        counts: { accepted: 2, duplicate: 1, ignored: 0, rejected: 4, total: 7 },
        rejected_by_reason: { signature_invalid: 1, signature_missing: 1, timestamp_out_of_window: 1, unsupported_media_type: 1 },
        last_accepted_at: new Date(lastAcceptedAt).toISOString(),
        last_request_at: new Date(now.t).toISOString(),
      });
    });
    const missing = await sb.app.inject({ method: 'GET', url: '/integration/webhooks/nobody/status', headers: sb.auth });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ error: { code: 'endpoint_not_found' } });
  });

  it('pages the request log newest first with a cursor, and redacts signatures and API keys', async () => {
    const { sb, now } = await start();
    const apiKey = 'logs-api-key-0123456789abcdef';
    const secret = await registerEndpoint(sb, { endpoint_id: 'logged', secret: 'logs-secret-0123456789', api_key: apiKey, verification: { scheme: 'chainsync' } });
    const signatures: string[] = [];
    for (let n = 0; n < 7; n += 1) {
      now.t += 1000;
      const body = Buffer.from(JSON.stringify({ type: 'alert.raised', n }));
      const headers = signWebhook('chainsync', body, secret, { nowMs: now.t });
      signatures.push(headers['x-webhook-signature'] as string);
      const response = await sb.app.inject({
        method: 'POST',
        url: '/integration/webhooks/logged',
        headers: { ...headers, 'x-api-key': n === 6 ? 'wrong-key-0123456789' : apiKey, 'content-type': 'application/json', 'x-trace': `trace-${n}` },
        payload: body,
      });
      expect(response.statusCode).toBe(n === 6 ? 401 : 202);
    }

    const pages: LogsBody[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor === null ? 'limit=3' : `limit=3&cursor=${encodeURIComponent(cursor)}`;
      const response = await sb.app.inject({ method: 'GET', url: `/integration/webhooks/logged/logs?${query}`, headers: sb.auth });
      expect(response.statusCode).toBe(200);
      for (const value of [apiKey, secret, ...signatures]) expect(response.body).not.toContain(value);
      const page = response.json<LogsBody>();
      pages.push(page);
      cursor = page.next_cursor;
    } while (cursor !== null && pages.length < 10);

    expect(pages.map((p) => p.logs.length)).toEqual([3, 3, 1]);
    const logs = pages.flatMap((p) => p.logs);
    expect(new Set(logs.map((l) => l.id)).size).toBe(7);
    expect(logs.map((l) => l.headers['x-trace'])).toEqual(['trace-6', 'trace-5', 'trace-4', 'trace-3', 'trace-2', 'trace-1', 'trace-0']);
    expect(logs.map((l) => l.time)).toEqual([...logs.map((l) => l.time)].sort().reverse());
    expect(logs[0]).toMatchObject({ outcome: 'rejected', reason: 'api_key_invalid', status: 401, event_id: null, client_ip: '127.0.0.1' });
    expect(logs[1]).toMatchObject({ outcome: 'accepted', reason: null, status: 202, time: new Date(T0 + 6000).toISOString() });
    expect(logs[1]?.event_id).toEqual(expect.any(String));
    for (const log of logs) {
      expect(log.headers['x-webhook-signature']).toBe('[redacted]');
      expect(log.headers['x-api-key']).toBe('[redacted]');
      expect(log.headers['x-webhook-timestamp']).toMatch(/^\d+$/);
      expect(log.latency_ms).toBeGreaterThanOrEqual(0);
    }

    const bad = await sb.app.inject({ method: 'GET', url: '/integration/webhooks/logged/logs?cursor=not-a-cursor', headers: sb.auth });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ error: { code: 'cursor_invalid' } });
    const badLimit = await sb.app.inject({ method: 'GET', url: '/integration/webhooks/logged/logs?limit=0', headers: sb.auth });
    expect(badLimit.statusCode).toBe(400);
    expect(badLimit.json()).toMatchObject({ error: { code: 'validation_failed' } });
  });

  it('deactivates an endpoint with DELETE: later requests on every receive path get 410', async () => {
    const { sb, now } = await start();
    const secret = await registerEndpoint(sb, { endpoint_id: 'retired', path: '/hooks/retired' });
    const body = Buffer.from('{"type":"x"}');
    const send = (url: string, messageId: string) =>
      sb.app.inject({ method: 'POST', url, headers: { ...signWebhook('standard-webhooks', body, secret, { nowMs: now.t, messageId }), 'content-type': 'application/json' }, payload: body });
    expect((await send('/integration/webhooks/retired', 'before')).statusCode).toBe(202);

    const deleted = await sb.app.inject({ method: 'DELETE', url: '/integration/webhooks/retired', headers: sb.auth });
    expect(deleted.statusCode).toBe(200);
    expect(deleted.json()).toEqual({ endpoint_id: 'retired', active: false });

    for (const [n, url] of ['/integration/webhooks/retired', '/api/v1/integrations/webhook/retired', '/hooks/retired'].entries()) {
      const response = await send(url, `after-${n}`);
      expect(response.statusCode, url).toBe(410);
      expect(response.json()).toMatchObject({ error: { code: 'endpoint_inactive' } });
    }
    expect((await sb.app.inject({ method: 'GET', url: '/integration/webhooks/retired', headers: sb.auth })).json()).toMatchObject({ active: false });
    await vi.waitFor(async () => {
      const status = (await sb.app.inject({ method: 'GET', url: '/integration/webhooks/retired/status', headers: sb.auth })).json<StatusBody>();
      expect(status).toMatchObject({ active: false, counts: { accepted: 1, rejected: 3 }, rejected_by_reason: { endpoint_inactive: 3 } });
    });
    const events = await sb.app.inject({ method: 'GET', url: '/api/v1/events?source=retired', headers: sb.auth });
    expect(events.json<{ events: unknown[] }>().events).toHaveLength(1);

    const unknown = await sb.app.inject({ method: 'DELETE', url: '/integration/webhooks/nobody', headers: sb.auth });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({ error: { code: 'endpoint_not_found' } });
    const again = await sb.app.inject({ method: 'POST', url: '/integration/webhooks/register', headers: sb.auth, payload: { endpoint_id: 'retired' } });
    expect(again.statusCode).toBe(409);
  });
});
