import type { Db } from '../database.js';
import { setRunStatus } from './set-run-status.js';

/**
 * Cancels a run that has not finished (pending or running). A step in progress is not interrupted;
 * the engine checks the run's status before recording more. `finished` when it already succeeded,
 * failed or was cancelled.
 */
export async function cancelRun(db: Db, args: { readonly id: string; readonly nowMs: number }): Promise<'cancelled' | 'finished' | 'not_found'> {
  if (await setRunStatus(db, { id: args.id, status: 'cancelled', from: ['pending', 'running'], nowMs: args.nowMs })) return 'cancelled';
  const exists = await db.selectFrom('runs').select('id').where('id', '=', args.id).executeTakeFirst();
  return exists === undefined ? 'not_found' : 'finished';
}
