import type { Db } from '../database.js';

/**
 * Puts a run's dead job back to pending (attempts reset, due now), so a retried run executes again.
 * The run job is found by its dedupe key, the run id. False when the run has no dead job.
 */
export async function replayRunJob(db: Db, args: { readonly queue: string; readonly runId: string; readonly nowMs: number }): Promise<boolean> {
  const { queue, runId, nowMs } = args;
  const result = await db
    .updateTable('jobs')
    .set({ status: 'pending', attempts: 0, run_at: nowMs, locked_by: null, locked_until: null, finished_at: null, updated_at: nowMs })
    .where('queue', '=', queue)
    .where('dedupe_key', '=', runId)
    .where('status', '=', 'dead')
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}
