import type { IntegrationType } from '../integration-type.js';

/** A request to notify users: from `POST /api/v1/notifications` or a run's notify step (through the outbox). */
export interface NotificationRequest {
  readonly userIds: readonly string[];
  readonly subject?: string | undefined;
  readonly body: string;
  readonly data?: unknown;
  /** Only these channels (still subject to each user's effective config); all when absent. */
  readonly channels?: readonly IntegrationType[] | undefined;
  /** `all`: every usable channel; `first_success`: by priority, failing over when one gives up. */
  readonly strategy: 'all' | 'first_success';
  /** The same key never creates deliveries twice. */
  readonly idempotencyKey?: string | undefined;
  readonly origin: 'api' | 'run';
  /** The notification's id when the caller already named it (a run's notify step: its outbox row's id, which the step output reports). */
  readonly notificationId?: string | undefined;
  readonly runId?: string | undefined;
}
