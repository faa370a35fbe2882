import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSwitchboard, type TestSwitchboard } from '../support/test-switchboard.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('request ids', () => {
  let sb: TestSwitchboard;
  beforeAll(async () => {
    sb = await startTestSwitchboard({ listen: true });
  });
  afterAll(async () => {
    await sb.stop();
  });

  it.each([
    ['GET', '/health', 200],
    ['GET', '/metrics', 200],
    ['GET', '/api/v1/events', 401],
    ['GET', '/no/such/route', 404],
    ['POST', '/integration/webhooks/unknown-endpoint', 404],
    ['POST', '/integration/webhooks/register', 401],
  ])('every response carries x-request-id (%s %s)', async (method, url, status) => {
    const response = await sb.app.inject({ method: method as 'GET' | 'POST', url });
    expect(response.statusCode).toBe(status);
    expect(response.headers['x-request-id']).toMatch(UUID);
  });

  it('generates a different id per request', async () => {
    const ids = new Set<string>();
    for (let i = 0; i < 5; i += 1) ids.add(String((await sb.app.inject({ method: 'GET', url: '/health' })).headers['x-request-id']));
    expect(ids.size).toBe(5);
  });

  it.each(['trace-abc.123:xyz_9', 'a', '0af7651916cd43dd8448eb211c80319c', 'x'.repeat(128)])('echoes a well-formed X-Request-Id (%s)', async (given) => {
    const response = await fetch(`${sb.url}/health`, { headers: { 'x-request-id': given } });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-request-id')).toBe(given);
  });

  it.each([
    ['too long', 'x'.repeat(129)],
    ['with spaces', 'two words'],
    ['with a quote', 'id"injected'],
    ['with a slash', '../../etc'],
    ['with a non-ASCII character', 'idé'],
  ])('replaces an ill-formed X-Request-Id (%s) with a fresh one', async (_name, given) => {
    const response = await sb.app.inject({ method: 'GET', url: '/health', headers: { 'x-request-id': given } });
    expect(response.statusCode).toBe(200);
    expect(response.headers['x-request-id']).toMatch(UUID);
  });

  it('keeps the request id on error responses and in the webhook request log', async () => {
    const registered = await sb.app.inject({ method: 'POST', url: '/integration/webhooks/register', headers: sb.auth, payload: { endpoint_id: 'traced' } });
    expect(registered.statusCode).toBe(201);
    const response = await fetch(`${sb.url}/integration/webhooks/traced`, { method: 'POST', headers: { 'x-request-id': 'trace-unsigned-1', 'content-type': 'application/json' }, body: '{}' });
    expect(response.status).toBe(401);
    expect(response.headers.get('x-request-id')).toBe('trace-unsigned-1');
    const logs = await sb.app.inject({ method: 'GET', url: '/integration/webhooks/traced/logs', headers: sb.auth });
    expect(logs.json<{ logs: Array<{ request_id: string; reason: string }> }>().logs).toEqual([expect.objectContaining({ request_id: 'trace-unsigned-1', reason: 'signature_missing' })]);
  });
});
