import type { Db } from '../database.js';
import { claimHeld, type JobClaim } from './job-claim.js';

/** Marks a claimed job succeeded. `lost_claim` when the worker no longer holds it (lease taken over, or cancelled). */
export async function completeJob(db: Db, args: JobClaim & { readonly nowMs: number }): Promise<'completed' | 'lost_claim'> {
  const result = await db
    .updateTable('jobs')
    .set({ status: 'succeeded', locked_by: null, locked_until: null, finished_at: args.nowMs, updated_at: args.nowMs })
    .where((eb) => claimHeld(eb, args))
    .executeTakeFirst();
  return result.numUpdatedRows > 0n ? 'completed' : 'lost_claim';
}
