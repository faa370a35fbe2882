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
  readonly deliveryAttempts: Counter<'channel' | 'outcome'>;
  readonly deliveryAttemptDuration: Histogram<'channel'>;
  readonly deliveriesFinished: Counter<'channel' | 'status'>;
  /** One delivery attempt: sent, failed or held (breaker open), and the channel's time. */
  recordAttempt(channel: string, outcome: 'sent' | 'failed' | 'held', seconds: number): void;
  /** A delivery reached SUCCESS, FAILED or EXPIRED. */
  recordFinal(channel: string, status: string): void;
  /** One group commit of `operation`: its size and duration. */
  onCommit(operation: string, size: number, durationMs: number): void;
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
    deliveryAttempts: new Counter({
      name: 'switchboard_delivery_attempts_total',
      help: 'Delivery attempts by channel and outcome (sent, failed, held by an open circuit breaker).',
      labelNames: ['channel', 'outcome'],
      registers: [registry],
    }),
    deliveryAttemptDuration: new Histogram({
      name: 'switchboard_delivery_attempt_duration_seconds',
      help: 'How long a channel took to send (or fail) one attempt.',
      labelNames: ['channel'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    deliveriesFinished: new Counter({
      name: 'switchboard_deliveries_finished_total',
      help: 'Deliveries that reached a final status (SUCCESS, FAILED, EXPIRED) by channel.',
      labelNames: ['channel', 'status'],
      registers: [registry],
    }),
  };
  const attemptCounter = childCache(([channel, outcome]) => metrics.deliveryAttempts.labels(channel as string, outcome as string));
  const attemptTimer = childCache(([channel]) => metrics.deliveryAttemptDuration.labels(channel as string));
  const finishedCounter = childCache(([channel, status]) => metrics.deliveriesFinished.labels(channel as string, status as string));
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
    recordAttempt(channel, outcome, seconds) {
      attemptCounter(channel, outcome).inc();
      attemptTimer(channel).observe(seconds);
    },
    recordFinal(channel, status) {
      finishedCounter(channel, status).inc();
    },
    onCommit(operation, size, durationMs) {
      metrics.storeCommitDuration.observe({ operation }, durationMs / 1000);
      metrics.storeBatchSize.observe({ operation }, size);
    },
  };
}
