import type { Db } from '../database.js';
import { deadJobCondition, type DeadJobFilter } from './dead-job-filter.js';

/**
 * Puts dead jobs back to pending, due at `nowMs`, with attempts reset to 0 (last_error is kept for
 * the record). Selects either the given ids (those that are dead) or every dead job matching a
 * filter. Returns the replayed jobs' ids and queues, so the caller can wake their workers.
 */
export async function replayDeadJobs(
  db: Db,
  args: { readonly select: { readonly ids: readonly string[] } | DeadJobFilter; readonly nowMs: number },
): Promise<{ id: string; queue: string }[]> {
  const { select, nowMs } = args;
  if ('ids' in select && select.ids.length === 0) return [];
  return db
    .updateTable('jobs')
    .set({ status: 'pending', attempts: 0, run_at: nowMs, locked_by: null, locked_until: null, finished_at: null, updated_at: nowMs })
    .where((eb) => ('ids' in select ? eb.and([eb('status', '=', 'dead'), eb('id', 'in', select.ids)]) : deadJobCondition(eb, select)))
    .returning(['id', 'queue'])
    .execute();
}
