import type { Db } from '../database.js';
import { claimHeld, type JobClaim } from './job-claim.js';
import type { JobError } from './job-error.js';

/** After a failed attempt: run again at `retryAtMs`, or go to dead letters. */
export type FailureDisposition = { readonly retryAtMs: number } | 'dead';

/**
 * Records a failed attempt of a claimed job: back to pending at `retryAtMs`, or dead. `lost_claim`
 * when the worker no longer holds it, in which case nothing changes.
 */
export async function failJob(
  db: Db,
  args: JobClaim & { readonly error: JobError; readonly disposition: FailureDisposition; readonly nowMs: number },
): Promise<'retrying' | 'dead' | 'lost_claim'> {
  const { error, disposition, nowMs } = args;
  const recorded = { last_error: JSON.stringify({ code: error.code, message: error.message }), last_error_code: error.code, locked_by: null, locked_until: null, updated_at: nowMs };
  const result = await db
    .updateTable('jobs')
    .set(disposition === 'dead' ? { ...recorded, status: 'dead', finished_at: nowMs } : { ...recorded, status: 'pending', run_at: disposition.retryAtMs })
    .where((eb) => claimHeld(eb, args))
    .executeTakeFirst();
  if (result.numUpdatedRows === 0n) return 'lost_claim';
  return disposition === 'dead' ? 'dead' : 'retrying';
}
