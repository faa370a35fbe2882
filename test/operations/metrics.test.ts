import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestSwitchboard, type TestSwitchboard } from '../support/test-switchboard.js';
import { signWebhook } from '../management/sign-webhook.js';

/** The value of one sample line `name{labels} value` in Prometheus text, or undefined. */
function sample(text: string, name: string, labels: Readonly<Record<string, string>>): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    const match = /^[^{]+\{(.*)\} (\S+)$/.exec(line);
    if (match === null) continue;
    const found = Object.fromEntries([...(match[1] as string).matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([key, value]) => found[key] === value)) return Number(match[2]);
  }
  return undefined;
}

describe('GET /metrics', () => {
  let sb: TestSwitchboard;
  beforeAll(async () => {
    sb = await startTestSwitchboard();
  });
  afterAll(async () => {
    await sb.stop();
  });

  it('exposes requests by route and status, webhook outcomes by endpoint and reason, and store commit latency', async () => {
    const registered = await sb.app.inject({ method: 'POST', url: '/integration/webhooks/register', headers: sb.auth, payload: { endpoint_id: 'metered' } });
    const secret = registered.json<{ secret: string }>().secret;
    const body = Buffer.from('{"type":"metered.event"}');
    const headers = { ...signWebhook('standard-webhooks', body, secret, { nowMs: Date.now(), messageId: 'msg_metered' }), 'content-type': 'application/json' };
    expect((await sb.app.inject({ method: 'POST', url: '/integration/webhooks/metered', headers, payload: body })).statusCode).toBe(202);
    expect((await sb.app.inject({ method: 'POST', url: '/integration/webhooks/metered', headers, payload: body })).statusCode).toBe(200);
    expect((await sb.app.inject({ method: 'POST', url: '/integration/webhooks/metered', headers, payload: '{"type":"tampered"}' })).statusCode).toBe(401);
    expect((await sb.app.inject({ method: 'POST', url: '/integration/webhooks/metered', headers: { 'content-type': 'image/gif' }, payload: 'GIF89a' })).statusCode).toBe(415);
    expect((await sb.app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
    expect((await sb.app.inject({ method: 'GET', url: '/api/v1/events' })).statusCode).toBe(401);

    await vi.waitFor(async () => {
      const response = await sb.app.inject({ method: 'GET', url: '/metrics' });
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
      const text = response.body;
      expect(text).toContain('# TYPE switchboard_http_requests_total counter');
      expect(sample(text, 'switchboard_http_requests_total', { method: 'GET', route: '/health', status: '200' })).toBe(1);
      expect(sample(text, 'switchboard_http_requests_total', { method: 'GET', route: '/api/v1/events', status: '401' })).toBe(1);
      expect(sample(text, 'switchboard_http_requests_total', { method: 'POST', route: '/integration/webhooks/register', status: '201' })).toBe(1);
      expect(sample(text, 'switchboard_http_requests_total', { method: 'POST', route: '/integration/webhooks/:endpoint_id', status: '202' })).toBe(1);

      expect(text).toContain('# TYPE switchboard_webhook_requests_total counter');
      expect(sample(text, 'switchboard_webhook_requests_total', { endpoint: 'metered', outcome: 'accepted', reason: '' })).toBe(1);
      expect(sample(text, 'switchboard_webhook_requests_total', { endpoint: 'metered', outcome: 'duplicate', reason: '' })).toBe(1);
      expect(sample(text, 'switchboard_webhook_requests_total', { endpoint: 'metered', outcome: 'rejected', reason: 'signature_invalid' })).toBe(1);
      expect(sample(text, 'switchboard_webhook_requests_total', { endpoint: 'metered', outcome: 'rejected', reason: 'unsupported_media_type' })).toBe(1);

      expect(text).toContain('# TYPE switchboard_store_commit_duration_seconds histogram');
      expect(sample(text, 'switchboard_store_commit_duration_seconds_count', { operation: 'ingest' })).toBeGreaterThanOrEqual(1);
      expect(sample(text, 'switchboard_store_commit_duration_seconds_bucket', { operation: 'ingest', le: '+Inf' })).toBeGreaterThanOrEqual(1);
      expect(text).toContain('switchboard_process_cpu_seconds_total');
      expect(text).not.toContain(secret);
    });
  });

  it('is public, like a Prometheus scrape expects', async () => {
    const response = await sb.app.inject({ method: 'GET', url: '/metrics' });
    expect(response.statusCode).toBe(200);
  });
});
