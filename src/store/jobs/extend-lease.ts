import type { Db } from '../database.js';
import { claimHeld, type JobClaim } from './job-claim.js';

/** Pushes a claimed job's lease to `lockedUntilMs`; false when the worker no longer holds the claim (stop working on it). */
export async function extendLease(db: Db, args: JobClaim & { readonly lockedUntilMs: number; readonly nowMs: number }): Promise<boolean> {
  const result = await db
    .updateTable('jobs')
    .set({ locked_until: args.lockedUntilMs, updated_at: args.nowMs })
    .where((eb) => claimHeld(eb, args))
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}
