import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The Prometheus metrics Switchboard exposes at /metrics (one registry per app, so tests stay isolated). */
export interface Metrics {
  readonly registry: Registry;
  readonly httpRequests: Counter<'method' | 'route' | 'status'>;
  readonly httpDuration: Histogram<'method' | 'route'>;
  readonly webhookOutcomes: Counter<'endpoint' | 'outcome' | 'reason'>;
  readonly storeCommitDuration: Histogram<'operation'>;
  readonly storeBatchSize: Histogram<'operation'>;
  /** Counts one HTTP request and its duration (hot path: label children are cached). */
  recordHttpRequest(method: string, route: string, status: number, seconds: number): void;
  /** Counts one inbound webhook outcome (hot path: label children are cached). */
  recordWebhook(endpoint: string, outcome: string, reason: string): void;
}

/**
 * Caches prom-client's per-label-set children: looking a child up by a label object hashes and
 * sorts the labels on every call, a measurable cost when done several times per request.
 */
function childCache<T>(make: (labels: readonly string[]) => T): (...labels: string[]) => T {
  const children = new Map<string, T>();
  return (...labels) => {
    const key = labels.join('\u0000');
    let child = children.get(key);
    if (child === undefined) {
      child = make(labels);
      children.set(key, child);
    }
    return child;
  };
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'switchboard_' });
  const metrics = {
    registry,
    httpRequests: new Counter({
      name: 'switchboard_http_requests_total',
      help: 'HTTP requests by route pattern and status code.',
      labelNames: ['method', 'route', 'status'],
      registers: [registry],
    }),
    httpDuration: new Histogram({
      name: 'switchboard_http_request_duration_seconds',
      help: 'HTTP request duration by route pattern.',
      labelNames: ['method', 'route'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    webhookOutcomes: new Counter({
      name: 'switchboard_webhook_requests_total',
      help: 'Inbound webhooks by endpoint, outcome (accepted, duplicate, ignored, rejected) and reason code.',
      labelNames: ['endpoint', 'outcome', 'reason'],
      registers: [registry],
    }),
    storeCommitDuration: new Histogram({
      name: 'switchboard_store_commit_duration_seconds',
      help: 'Duration of store commits (one group-commit transaction each).',
      labelNames: ['operation'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers: [registry],
    }),
    storeBatchSize: new Histogram({
      name: 'switchboard_store_commit_batch_size',
      help: 'Requests committed per group-commit transaction.',
      labelNames: ['operation'],
      buckets: [1, 2, 5, 10, 25, 50, 100, 250, 500],
      registers: [registry],
    }),
  };
  const requestCounter = childCache(([method, route, status]) => metrics.httpRequests.labels(method as string, route as string, status as string));
  const requestTimer = childCache(([method, route]) => metrics.httpDuration.labels(method as string, route as string));
  const webhookCounter = childCache(([endpoint, outcome, reason]) => metrics.webhookOutcomes.labels(endpoint as string, outcome as string, reason as string));
  return {
    ...metrics,
    recordHttpRequest(method, route, status, seconds) {
      requestCounter(method, route, String(status)).inc();
      requestTimer(method, route).observe(seconds);
    },
    recordWebhook(endpoint, outcome, reason) {
      webhookCounter(endpoint, outcome, reason).inc();
    },
  };
}
