import type { Db, RunStatus } from '../database.js';
import type { RunError } from './run-error.js';

const finished: ReadonlySet<RunStatus> = new Set(['succeeded', 'failed', 'cancelled']);

/**
 * Moves a run to `status`, only when it is currently in one of `from` (so two writers racing on one
 * run cannot both win). A finished status sets finished_at; any other clears it. `error` is stored
 * as given (null clears it). False when the run is unknown or not in a `from` status.
 */
export async function setRunStatus(
  db: Db,
  args: { readonly id: string; readonly status: RunStatus; readonly from: readonly RunStatus[]; readonly error?: RunError | null; readonly nowMs: number },
): Promise<boolean> {
  const { id, status, from, nowMs } = args;
  if (from.length === 0) return false;
  const result = await db
    .updateTable('runs')
    .set({
      status,
      updated_at: nowMs,
      finished_at: finished.has(status) ? nowMs : null,
      ...(args.error === undefined ? {} : { error: args.error === null ? null : JSON.stringify(args.error) }),
    })
    .where('id', '=', id)
    .where('status', 'in', from)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}
