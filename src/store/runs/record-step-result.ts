import type { Db } from '../database.js';
import type { RunError } from './run-error.js';

/** How a step attempt ended: its output (committed once), a failure, or skipped (a branch not taken). */
export type StepResult =
  | { readonly status: 'succeeded'; readonly output: unknown }
  | { readonly status: 'failed'; readonly error: RunError }
  | { readonly status: 'skipped' };

/**
 * Records how a step ended. A step already `succeeded` is never overwritten: its committed output
 * stands and the answer is `already_succeeded` (a duplicate or late attempt). `step_not_found`
 * when the run has no row for the step.
 */
export async function recordStepResult(
  db: Db,
  args: { readonly runId: string; readonly stepName: string; readonly result: StepResult; readonly nowMs: number },
): Promise<'recorded' | 'already_succeeded' | 'step_not_found'> {
  const { runId, stepName, result, nowMs } = args;
  const values =
    result.status === 'succeeded'
      ? { status: 'succeeded' as const, output: JSON.stringify(result.output ?? null), error: null }
      : result.status === 'failed'
        ? { status: 'failed' as const, error: JSON.stringify({ code: result.error.code, message: result.error.message }) }
        : { status: 'skipped' as const };
  const updated = await db
    .updateTable('run_steps')
    .set({ ...values, finished_at: nowMs })
    .where('run_id', '=', runId)
    .where('step_name', '=', stepName)
    .where('status', '!=', 'succeeded')
    .executeTakeFirst();
  if (updated.numUpdatedRows > 0n) return 'recorded';
  const existing = await db.selectFrom('run_steps').select('status').where('run_id', '=', runId).where('step_name', '=', stepName).executeTakeFirst();
  return existing === undefined ? 'step_not_found' : 'already_succeeded';
}
