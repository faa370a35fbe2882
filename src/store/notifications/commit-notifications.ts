import type { Insertable } from 'kysely';
import type { DeliveryLogsTable, Db, NotificationsTable } from '../database.js';
import { enqueueJobs, type NewJob } from '../jobs/enqueue-jobs.js';

/** One notification with the deliveries (and their jobs) it starts with. */
export interface NewNotification {
  readonly notification: Insertable<NotificationsTable>;
  readonly deliveries: readonly Insertable<DeliveryLogsTable>[];
  /** One job per delivery, in the same order. */
  readonly jobs: readonly NewJob[];
  /** The notify_outbox row this notification comes from: marked dispatched in the same commit. */
  readonly outboxId?: string | undefined;
}

export type NotificationCommitOutcome =
  | { readonly status: 'created'; readonly notificationId: string; readonly deliveryIds: readonly string[] }
  /** The idempotency key was taken: nothing was written; these are the original's id and deliveries. */
  | { readonly status: 'duplicate'; readonly notificationId: string; readonly deliveryIds: readonly string[] };

// 18 bound values a delivery row: 500 rows stay far below SQLite's 32,766 variable limit.
const ROWS_PER_INSERT = 500;

/**
 * Writes a batch of notifications with their deliveries and jobs, in the caller's transaction, in a
 * few multi-row statements. A notification whose idempotency key exists (committed earlier, or
 * earlier in this batch) writes nothing and reports the original, so the same key never creates
 * deliveries twice.
 */
export async function commitNotifications(db: Db, items: readonly NewNotification[], nowMs: number): Promise<NotificationCommitOutcome[]> {
  const inserted = new Set<string>();
  // Keys are locked in the order rows are inserted: in key order, two batches sharing keys (two
  // processes on one PostgreSQL) wait for each other instead of deadlocking.
  const byKey = items.map((item) => item.notification).sort((a, b) => compareIdempotencyKeys(a.idempotency_key ?? null, b.idempotency_key ?? null));
  for (let start = 0; start < byKey.length; start += ROWS_PER_INSERT) {
    const rows = byKey.slice(start, start + ROWS_PER_INSERT);
    const returned = await db
      .insertInto('notifications')
      .values(rows)
      // No conflict target: a relayed outbox row repeats both the key and the id (the row's), and either conflict means "already there".
      .onConflict((oc) => oc.doNothing())
      .returning('id')
      .execute();
    for (const row of returned) inserted.add(row.id);
  }
  const created = items.filter((item) => inserted.has(item.notification.id));
  const deliveries = created.flatMap((item) => item.deliveries);
  for (let start = 0; start < deliveries.length; start += ROWS_PER_INSERT) {
    await db.insertInto('delivery_logs').values(deliveries.slice(start, start + ROWS_PER_INSERT)).execute();
  }
  const jobs = created.flatMap((item) => item.jobs);
  if (jobs.length > 0) await enqueueJobs(db, { jobs, nowMs });
  const outboxIds = items.map((item) => item.outboxId).filter((id): id is string => id !== undefined);
  if (outboxIds.length > 0) await db.updateTable('notify_outbox').set({ status: 'dispatched' }).where('id', 'in', outboxIds).execute();

  return notificationOutcomes(db, items, inserted);
}

/**
 * Each item's outcome once the batch is written: `created` when its notification was inserted,
 * else `duplicate` of the notification that holds its key (committed earlier, or earlier in the
 * same batch), with that notification's delivery ids.
 */
export async function notificationOutcomes(db: Db, items: readonly NewNotification[], inserted: ReadonlySet<string>): Promise<NotificationCommitOutcome[]> {
  const outcomes: NotificationCommitOutcome[] = [];
  for (const item of items) {
    const id = item.notification.id;
    if (inserted.has(id)) {
      outcomes.push({ status: 'created', notificationId: id, deliveryIds: item.deliveries.map((d) => d.delivery_id) });
      continue;
    }
    const key = item.notification.idempotency_key;
    if (key === null || key === undefined) throw new Error(`notification ${id} was not inserted and has no idempotency key`);
    const original = await db.selectFrom('notifications').select('id').where('idempotency_key', '=', key).executeTakeFirstOrThrow();
    const originalDeliveries = await db.selectFrom('delivery_logs').select('delivery_id').where('notification_id', '=', original.id).orderBy('delivery_id').execute();
    outcomes.push({ status: 'duplicate', notificationId: original.id, deliveryIds: originalDeliveries.map((d) => d.delivery_id) });
  }
  return outcomes;
}

/** Orders rows by idempotency key (rows without one first): the lock order every batch takes. */
export function compareIdempotencyKeys(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  return a < b ? -1 : 1;
}
