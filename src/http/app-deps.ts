import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { AgentRegistry } from '../agents/agent-registry.js';
import type { DeliveryServices } from '../delivery/delivery-services.js';
import type { SwitchboardConfig } from '../config/config-schema.js';
import type { Clock } from '../core/clock.js';
import type { SecretBox } from '../crypto/secret-box.js';
import type { EndpointDirectory } from '../ingress/webhooks/endpoint-directory.js';
import type { IngestWriter } from '../ingress/webhooks/ingest-writer.js';
import type { RouteTable } from '../routing/route-table.js';
import type { EventRouter } from '../runs/event-router.js';
import type { RunCompletions } from '../runs/run-completions.js';
import type { JobNotifier } from '../queue/job-notifier.js';
import type { Store } from '../store/store.js';
import type { Metrics } from './metrics.js';

/** Everything the HTTP layer needs, built once by the composition root (src/main.ts) or by a test. */
export interface AppDeps {
  readonly config: SwitchboardConfig;
  readonly store: Store;
  readonly directory: EndpointDirectory;
  readonly writer: IngestWriter;
  readonly secretBox: SecretBox;
  readonly adminKey: string;
  readonly clock: Clock;
  readonly metrics: Metrics;
  readonly logger: Logger;
  /** Every agent a route step can name (built-ins plus custom ones). */
  readonly agents: AgentRegistry;
  /** The compiled routes; the routes API writes the store, then reloads it. */
  readonly routeTable: RouteTable;
  /**
   * The runs engine: routes matched at ingest, sync waiters, and the wake-up for replayed jobs.
   * Absent in tests of the HTTP layer alone: events then commit unrouted.
   */
  readonly runs?: { readonly router: EventRouter; readonly completions: RunCompletions; readonly notifier: JobNotifier } | undefined;
  /** Notifications, integration defaults and overrides, deliveries. */
  readonly delivery: DeliveryServices;
  /** Present when REDIS_URL is set: shared rate-limit counters and a health check. */
  readonly redis?: Redis | undefined;
}
