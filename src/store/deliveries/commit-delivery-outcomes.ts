import type { Insertable } from 'kysely';
import type { Db, DeliveryAttemptsTable, DeliveryLogsTable } from '../database.js';
import { completeJob } from '../jobs/complete-job.js';
import { enqueueJobs, type NewJob } from '../jobs/enqueue-jobs.js';
import { failJob } from '../jobs/fail-job.js';
import type { JobClaim } from '../jobs/job-claim.js';
import { disableUserOverride } from '../user-integrations/disable-user-override.js';

/** The delivery columns an attempt (or a decision not to attempt) changes. */
export type DeliveryChange = Pick<
  DeliveryLogsTable,
  'status' | 'attempts' | 'next_attempt_at' | 'last_status_code' | 'error_code' | 'error_message' | 'provider_message_id' | 'progress' | 'finished_at' | 'updated_at'
>;

/** What the dispatcher commits after handling one delivery job, all in one transaction. */
export interface DeliveryOutcome {
  /** The job's claim: nothing is written unless it is still held. */
  readonly claim: JobClaim;
  readonly deliveryId: string;
  /** The delivery's `attempts` when the dispatcher read it: the change applies only if it is unchanged. */
  readonly expectedAttempts: number;
  readonly change: DeliveryChange;
  /** The attempt made, when one was. */
  readonly attempt?: DeliveryAttemptsTable | undefined;
  /** Completes the job, or puts it back to run again at `runAtMs`. */
  readonly job: { readonly outcome: 'completed' } | { readonly outcome: 'retry'; readonly runAtMs: number; readonly error: { readonly code: string; readonly message: string } };
  /** first_success: the next channel's delivery and its job. */
  readonly failover?: { readonly delivery: Insertable<DeliveryLogsTable>; readonly job: NewJob } | undefined;
  /** A receiver answered 410 Gone: this user's config of the channel is switched off. */
  readonly disableOverride?: { readonly id: string; readonly userId: string; readonly integrationType: string } | undefined;
  readonly nowMs: number;
}

/** `stale`: the job was settled but the delivery had changed meanwhile, so it was left as it was. */
export type DeliveryCommitResult = 'committed' | 'lost_claim' | 'stale';

/**
 * Records delivery outcomes in the caller's transaction, each under its job's claim: a lost claim
 * writes nothing (the worker that holds the job now records its own attempt); a delivery whose
 * `attempts` moved meanwhile is left alone; a failover to a position that already has a delivery
 * creates nothing. A committed SUCCESS is final: nothing here moves a
 * delivery out of SUCCESS, so a delivery recorded as sent is never sent again.
 */
export async function commitDeliveryOutcomes(db: Db, items: readonly DeliveryOutcome[]): Promise<DeliveryCommitResult[]> {
  const results: DeliveryCommitResult[] = [];
  const jobs: NewJob[] = [];
  const disables: Array<NonNullable<DeliveryOutcome['disableOverride']> & { readonly nowMs: number }> = [];
  for (const item of items) {
    const settled =
      item.job.outcome === 'completed'
        ? await completeJob(db, { ...item.claim, nowMs: item.nowMs })
        : await failJob(db, { ...item.claim, error: item.job.error, disposition: { retryAtMs: item.job.runAtMs }, nowMs: item.nowMs });
    if (settled === 'lost_claim') {
      results.push('lost_claim');
      continue;
    }
    const changed = await db
      .updateTable('delivery_logs')
      .set(item.change)
      .where('delivery_id', '=', item.deliveryId)
      .where('attempts', '=', item.expectedAttempts)
      .where('status', 'in', ['PENDING', 'RETRYING'])
      .executeTakeFirst();
    if (changed.numUpdatedRows === 0n) {
      results.push('stale');
      continue;
    }
    if (item.attempt !== undefined) {
      await db.insertInto('delivery_attempts').values(item.attempt).onConflict((oc) => oc.columns(['delivery_id', 'attempt']).doNothing()).execute();
    }
    if (item.failover !== undefined) {
      // A delivery already at that position (this one failed over before a manual retry) stays the only one.
      const inserted = await db
        .insertInto('delivery_logs')
        .values(item.failover.delivery)
        .onConflict((oc) => oc.columns(['notification_id', 'user_id', 'sequence']).doNothing())
        .returning('delivery_id')
        .executeTakeFirst();
      if (inserted !== undefined) jobs.push(item.failover.job);
    }
    if (item.disableOverride !== undefined) disables.push({ ...item.disableOverride, nowMs: item.nowMs });
    results.push('committed');
  }
  // Override rows are locked in (user, type) order, so two batches switching off the same overrides wait instead of deadlocking.
  disables.sort((a, b) => (a.userId === b.userId ? (a.integrationType < b.integrationType ? -1 : 1) : a.userId < b.userId ? -1 : 1));
  for (const disable of disables) await disableUserOverride(db, disable);
  // Each failover job carries its own run_at; nowMs only stamps created_at.
  if (jobs.length > 0) await enqueueJobs(db, { jobs, nowMs: items[0]?.nowMs ?? 0 });
  return results;
}
