import type { Db } from '../database.js';
import { setRunStatus } from './set-run-status.js';

/**
 * Puts a failed run back to pending from its failed step: the failed step rows go back to pending
 * with attempts reset to 0 (their last error is kept for the record); succeeded steps keep their
 * output and later steps are untouched. `not_failed` when the run exists in another status.
 * `planOf` gives the route's current steps (JSON), so the retry runs the route as it is now.
 * Run it in a transaction: the run and its steps change together.
 */
export async function retryFailedRun(
  db: Db,
  args: { readonly id: string; readonly nowMs: number; readonly planOf?: (routeId: string) => string | undefined },
): Promise<'retried' | 'not_failed' | 'not_found'> {
  const { id, nowMs } = args;
  if (!(await setRunStatus(db, { id, status: 'pending', from: ['failed'], error: null, nowMs }))) {
    const exists = await db.selectFrom('runs').select('id').where('id', '=', id).executeTakeFirst();
    return exists === undefined ? 'not_found' : 'not_failed';
  }
  await db
    .updateTable('run_steps')
    .set({ status: 'pending', attempts: 0, started_at: null, finished_at: null })
    .where('run_id', '=', id)
    .where('status', '=', 'failed')
    .execute();
  if (args.planOf !== undefined) {
    const run = await db.selectFrom('runs').select('route_id').where('id', '=', id).executeTakeFirstOrThrow();
    const plan = args.planOf(run.route_id);
    if (plan !== undefined) await db.updateTable('runs').set({ plan }).where('id', '=', id).execute();
  }
  return 'retried';
}
