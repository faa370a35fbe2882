import type { Db, DeliveryStatus } from '../database.js';
import { enqueueJobs, type NewJob } from '../jobs/enqueue-jobs.js';
import type { DeliveryFilter } from './delivery-filter.js';
import { whereDeliveryFilter } from './list-deliveries.js';

/** Deliveries a retry may restart: they gave up. SUCCESS is final; PENDING and RETRYING are still being tried. */
export const retryableStatuses: readonly DeliveryStatus[] = ['FAILED', 'EXPIRED'];

/**
 * Puts FAILED or EXPIRED deliveries back to PENDING with a fresh retry budget (attempts so far stay in
 * the history) and a new expiry, and enqueues a job for each, in the caller's transaction. Either
 * the given ids or up to `limit` deliveries matching the filter (oldest first). Returns the ids
 * restarted; others (not found, SUCCESS, still in progress) are left alone.
 */
export async function retryDeliveries(
  db: Db,
  args: {
    readonly select: { readonly ids: readonly string[] } | { readonly filter: DeliveryFilter; readonly limit: number };
    readonly expireAfterMs: number;
    readonly job: (deliveryId: string) => NewJob;
    readonly nowMs: number;
  },
): Promise<string[]> {
  const { select, nowMs } = args;
  const statuses = 'filter' in select && select.filter.status !== undefined ? retryableStatuses.filter((s) => s === select.filter.status) : retryableStatuses;
  if (statuses.length === 0 || ('ids' in select && select.ids.length === 0)) return [];
  const targets =
    'ids' in select
      ? db.selectFrom('delivery_logs').select('delivery_id').where('delivery_id', 'in', select.ids).where('status', 'in', statuses)
      : whereDeliveryFilter(db.selectFrom('delivery_logs').select('delivery_id'), { ...select.filter, status: undefined })
          .where('status', 'in', statuses)
          .orderBy('delivery_id')
          .limit(select.limit);
  const restarted = await db
    .updateTable('delivery_logs')
    .set((eb) => ({
      status: 'PENDING',
      retry_base: eb.ref('attempts'),
      next_attempt_at: nowMs,
      error_code: null,
      error_message: null,
      finished_at: null,
      expires_at: nowMs + args.expireAfterMs,
      updated_at: nowMs,
    }))
    .where('delivery_id', 'in', targets)
    .where('status', 'in', statuses)
    .returning('delivery_id')
    .execute();
  const ids = restarted.map((row) => row.delivery_id).sort();
  if (ids.length > 0) await enqueueJobs(db, { jobs: ids.map(args.job), nowMs });
  return ids;
}
