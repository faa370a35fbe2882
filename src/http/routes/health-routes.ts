import type { FastifyInstance } from 'fastify';
import { integrationTypes } from '../../delivery/integration-type.js';
import type { AppDeps } from '../app-deps.js';

type CheckStatus = 'healthy' | 'degraded' | 'unhealthy';
interface CheckResult {
  status: CheckStatus;
  response_time_ms: number;
  message?: string;
}

/** How long one dependency check may take before it counts as unhealthy. */
const CHECK_TIMEOUT_MS = 2000;

/** `GET /health` (cheap, public), `GET /health/detailed` (seed 004's shape) and `GET /metrics` (Prometheus). */
export async function healthRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  app.get('/health', { schema: { tags: ['operations'], summary: 'Liveness: cheap, touches nothing' } }, async () => ({
    status: 'ok',
    timestamp: new Date(deps.clock.nowMs()).toISOString(),
    // Seed 001: which delivery channels are on by default (from memory, no I/O).
    integrations_available: integrationTypes.filter((type) => deps.delivery.defaults.all()[type].enabled),
  }));

  app.get('/health/detailed', { schema: { tags: ['operations'], summary: 'Each dependency with status and response time' } }, async (_request, reply) => {
    const checks: Record<string, CheckResult> = { database: await timeCheck(() => deps.store.ping()) };
    if (deps.redis !== undefined) {
      const redis = deps.redis;
      // Redis only backs shared rate-limit counters; without it the limiter fails open, so it degrades rather than fails.
      const result = await timeCheck(async () => {
        await redis.ping();
      });
      checks['redis'] = result.status === 'healthy' ? result : { ...result, status: 'degraded' };
    }
    // Delivery channels that are on by default: their start-up health, and whether a destination's breaker is open.
    const defaults = deps.delivery.defaults.all();
    const open = deps.delivery.breakers.openDestinations();
    for (const type of integrationTypes) {
      const channel = defaults[type];
      if (!channel.enabled) continue;
      const tripped = open.filter((breaker) => breaker.key.startsWith(`${type.toLowerCase()}`));
      const healthy = channel.health?.healthy !== false && tripped.length === 0;
      checks[`integration_${type.toLowerCase()}`] = {
        status: healthy ? 'healthy' : 'degraded',
        response_time_ms: 0,
        ...(healthy ? {} : { message: tripped.length > 0 ? `circuit open: ${tripped.map((b) => b.key).join(', ')}` : (channel.health?.message ?? 'unhealthy at start') }),
      };
    }
    const statuses = Object.values(checks).map((c) => c.status);
    const overall: CheckStatus = checks['database']?.status === 'unhealthy' ? 'unhealthy' : statuses.every((s) => s === 'healthy') ? 'healthy' : 'degraded';
    const criticalIssues = Object.entries(checks)
      .filter(([, c]) => c.status === 'unhealthy')
      .map(([name, c]) => `${name}: ${c.message ?? 'unhealthy'}`);
    return reply.status(overall === 'unhealthy' ? 503 : 200).send({
      overall_status: overall,
      timestamp: new Date(deps.clock.nowMs()).toISOString(),
      checks,
      total_checks: statuses.length,
      healthy_checks: statuses.filter((s) => s === 'healthy').length,
      critical_issues: criticalIssues,
    });
  });

  app.get('/metrics', { schema: { tags: ['operations'], summary: 'Prometheus metrics' } }, async (_request, reply) => {
    const body = await deps.metrics.registry.metrics();
    return reply.type(deps.metrics.registry.contentType).send(body);
  });
}

async function timeCheck(check: () => Promise<void>): Promise<CheckResult> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      check(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
      }),
    ]);
    return { status: 'healthy', response_time_ms: round(performance.now() - started) };
  } catch (error) {
    return { status: 'unhealthy', response_time_ms: round(performance.now() - started), message: (error as Error).message };
  } finally {
    clearTimeout(timer);
  }
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
