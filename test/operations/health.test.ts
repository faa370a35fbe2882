import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestSwitchboard, type TestSwitchboard } from '../support/test-switchboard.js';

interface DetailedHealth {
  overall_status: string;
  timestamp: string;
  checks: Record<string, { status: string; response_time_ms: number; message?: string }>;
  total_checks: number;
  healthy_checks: number;
  critical_issues: string[];
}

/** A TCP port nothing listens on: bound once by the OS, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

describe('health checks', () => {
  let sb: TestSwitchboard | undefined;
  afterEach(async () => {
    await sb?.stop();
    sb = undefined;
  });

  it('GET /health is public and cheap', async () => {
    sb = await startTestSwitchboard({ clock: { nowMs: () => Date.parse('2026-02-02T02:02:02.000Z') } });
    const response = await sb.app.inject({ method: 'GET', url: '/health' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ok', timestamp: '2026-02-02T02:02:02.000Z', integrations_available: [] });
  });

  it('lists the delivery channels on by default, and their health in /health/detailed', async () => {
    sb = await startTestSwitchboard({ config: { 'delivery.test.enabled': true } });
    expect((await sb.app.inject({ method: 'GET', url: '/health' })).json()).toMatchObject({ integrations_available: ['TEST'] });
    const detailed = (await sb.app.inject({ method: 'GET', url: '/health/detailed' })).json() as { checks: Record<string, { status: string }> };
    expect(detailed.checks['integration_test']).toMatchObject({ status: 'healthy' });
  });

  it.each(['sqlite', 'postgres'] as const)('GET /health/detailed reports the %s store as healthy', async (dialect) => {
    sb = await startTestSwitchboard({ dialect });
    const response = await sb.app.inject({ method: 'GET', url: '/health/detailed' });
    expect(response.statusCode).toBe(200);
    const body = response.json<DetailedHealth>();
    expect(body).toMatchObject({ overall_status: 'healthy', total_checks: 1, healthy_checks: 1, critical_issues: [] });
    expect(Object.keys(body.checks)).toEqual(['database']);
    expect(body.checks['database']?.status).toBe('healthy');
    expect(body.checks['database']?.response_time_ms).toBeGreaterThanOrEqual(0);
    expect(body.checks['database']?.response_time_ms).toBeLessThan(2000);
  });

  it('adds a healthy redis check when redis_url is set', async () => {
    sb = await startTestSwitchboard({ config: { redis_url: 'redis://127.0.0.1:6379' } });
    const body = (await sb.app.inject({ method: 'GET', url: '/health/detailed' })).json<DetailedHealth>();
    expect(body, JSON.stringify(body)).toMatchObject({ overall_status: 'healthy', total_checks: 2, healthy_checks: 2 });
    expect(body.checks['redis']).toEqual({ status: 'healthy', response_time_ms: expect.any(Number) });
  });

  it('is degraded, not down, when Redis is unreachable (rate limits fail open)', async () => {
    const port = await closedPort();
    sb = await startTestSwitchboard({ config: { redis_url: `redis://:hunter2-redis-password@127.0.0.1:${port}` } });
    const response = await sb.app.inject({ method: 'GET', url: '/health/detailed' });
    expect(response.statusCode).toBe(200);
    const body = response.json<DetailedHealth>();
    expect(body).toMatchObject({ overall_status: 'degraded', total_checks: 2, healthy_checks: 1 });
    expect(body.checks['database']?.status).toBe('healthy');
    expect(body.checks['redis']?.status).toBe('degraded');
    expect(body.checks['redis']?.response_time_ms).toEqual(expect.any(Number));
    expect(response.body).not.toContain('hunter2');
    expect((await sb.app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
  });

  it('is unhealthy with 503 when the store is gone', async () => {
    sb = await startTestSwitchboard();
    await sb.store.close();
    const response = await sb.app.inject({ method: 'GET', url: '/health/detailed' });
    expect(response.statusCode).toBe(503);
    const body = response.json<DetailedHealth>();
    expect(body.overall_status).toBe('unhealthy');
    expect(body.checks['database']?.status).toBe('unhealthy');
    expect(body.critical_issues).toEqual([expect.stringMatching(/^database: /)]);
  });
});
