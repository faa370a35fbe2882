import type { Db } from '../database.js';

/**
 * Cancels a job that has not finished (pending, running or dead). A running handler is not
 * interrupted, but its result is discarded: it no longer holds a claim. False when the job is
 * unknown or already succeeded or cancelled.
 */
export async function cancelJob(db: Db, args: { readonly id: string; readonly nowMs: number }): Promise<boolean> {
  const result = await db
    .updateTable('jobs')
    .set({ status: 'cancelled', locked_by: null, locked_until: null, finished_at: args.nowMs, updated_at: args.nowMs })
    .where('id', '=', args.id)
    .where('status', 'in', ['pending', 'running', 'dead'])
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}
