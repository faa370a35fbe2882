import type { Clock } from '../../core/clock.js';
import type { Db, DeliveryStatus } from '../../store/database.js';
import type { NewNotification, NotificationCommitOutcome } from '../../store/notifications/commit-notifications.js';
import { findNotification } from '../../store/notifications/find-notification.js';
import { listDeliveries } from '../../store/deliveries/list-deliveries.js';
import type { IntegrationType } from '../integration-type.js';
import type { NotificationRequest } from './notification-request.js';
import type { SkippedChannel } from './plan-notification.js';
import { prepareNotification, type PrepareNotificationDeps } from './prepare-notification.js';

/** A delivery as a notification's result lists it. */
export interface DeliverySummary {
  readonly delivery_id: string;
  readonly user_id: string;
  readonly integration_type: IntegrationType;
  readonly status: DeliveryStatus;
}

export interface NotificationResult {
  /** `duplicate`: the idempotency key was used before; this is that notification, and nothing new was created. */
  readonly status: 'created' | 'duplicate';
  readonly notificationId: string;
  readonly deliveries: readonly DeliverySummary[];
  readonly skipped: readonly SkippedChannel[];
  readonly fallbacks: Readonly<Record<string, readonly IntegrationType[]>>;
}

export interface CreateNotificationDeps extends PrepareNotificationDeps {
  readonly db: Db;
  readonly clock: Clock;
  /** Commits the notification with its deliveries and jobs (main groups many per transaction). */
  readonly commit: (item: NewNotification) => Promise<NotificationCommitOutcome>;
}

/**
 * Notifies users: plans each user's channels from their effective configs, then commits the
 * notification, its deliveries and their jobs together, so an accepted notification always gets
 * sent. A known idempotency key returns the original notification and creates nothing.
 */
export async function createNotification(deps: CreateNotificationDeps, request: NotificationRequest): Promise<NotificationResult> {
  if (request.idempotencyKey !== undefined) {
    const existing = await findNotification(deps.db, { idempotencyKey: request.idempotencyKey });
    if (existing !== undefined) return describeExisting(deps.db, existing.id, existing.strategy, existing.plan);
  }
  const prepared = await prepareNotification(deps, request, deps.clock.nowMs());
  const outcome = await deps.commit(prepared.item);
  if (outcome.status === 'duplicate') {
    const original = await findNotification(deps.db, { id: outcome.notificationId });
    return describeExisting(deps.db, outcome.notificationId, original?.strategy ?? 'all', original?.plan ?? '{}');
  }
  return {
    status: 'created',
    notificationId: outcome.notificationId,
    deliveries: prepared.deliveries.map((delivery) => ({ ...delivery, status: 'PENDING' as const })),
    skipped: prepared.skipped,
    fallbacks: prepared.fallbacks,
  };
}

async function describeExisting(db: Db, notificationId: string, strategy: 'all' | 'first_success', plan: string): Promise<NotificationResult> {
  const rows = await listDeliveries(db, { notificationId, limit: 10_000 });
  const byUser = JSON.parse(plan) as Record<string, IntegrationType[]>;
  const fallbacks = strategy === 'first_success' ? Object.fromEntries(Object.entries(byUser).filter(([, types]) => types.length > 1).map(([user, types]) => [user, types.slice(1)])) : {};
  return {
    status: 'duplicate',
    notificationId,
    deliveries: rows.reverse().map((row) => ({ delivery_id: row.delivery_id, user_id: row.user_id, integration_type: row.integration_type as IntegrationType, status: row.status })),
    skipped: [],
    fallbacks,
  };
}
