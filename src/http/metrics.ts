import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The Prometheus metrics Switchboard exposes at /metrics (one registry per app, so tests stay isolated). */
export interface Metrics {
  readonly registry: Registry;
  readonly httpRequests: Counter<'method' | 'route' | 'status'>;
  readonly httpDuration: Histogram<'method' | 'route'>;
  readonly webhookOutcomes: Counter<'endpoint' | 'outcome' | 'reason'>;
  readonly storeCommitDuration: Histogram<'operation'>;
  readonly storeBatchSize: Histogram<'operation'>;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'switchboard_' });
  return {
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
}
