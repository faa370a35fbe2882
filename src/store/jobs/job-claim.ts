import type { Expression, ExpressionBuilder, SqlBool } from 'kysely';
import type { Database } from '../database.js';

/**
 * Which claim of a job a worker holds: the job, the worker and the attempt it claimed. Completing,
 * failing or extending succeeds only while the row is still running under this same claim, so a
 * worker whose lease expired and was taken over cannot overwrite the new holder's result.
 */
export interface JobClaim {
  readonly id: string;
  readonly workerId: string;
  readonly attempt: number;
}

/** The condition that `claim` is still held: the job is running, under this worker, at this attempt. */
export function claimHeld(eb: ExpressionBuilder<Database, 'jobs'>, claim: JobClaim): Expression<SqlBool> {
  return eb.and([eb('id', '=', claim.id), eb('status', '=', 'running'), eb('locked_by', '=', claim.workerId), eb('attempts', '=', claim.attempt)]);
}
