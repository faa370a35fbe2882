import { newId } from '../../core/new-id.js';
import type { NotifyRequest } from '../../runs/step-outcome.js';
import type { Db } from '../database.js';

export type NotifyInsertOutcome = { readonly status: 'inserted'; readonly id: string } | { readonly status: 'duplicate'; readonly id: string };

/**
 * Records a notify step's delivery request in the outbox, pending, for the dispatcher. One request
 * per (run, step): recording it again (a repeated attempt) is a `duplicate` carrying the first id.
 * Commit it in the same transaction as the step's result, so a request exists exactly when the step succeeded.
 */
export async function insertNotifyRequest(
  db: Db,
  args: { readonly runId: string; readonly stepName: string; readonly request: NotifyRequest; readonly nowMs: number },
): Promise<NotifyInsertOutcome> {
  const { runId, stepName, nowMs } = args;
  const id = newId(nowMs);
  const inserted = await db
    .insertInto('notify_outbox')
    .values({ id, run_id: runId, step_name: stepName, request: JSON.stringify(args.request), status: 'pending', created_at: nowMs })
    .onConflict((oc) => oc.columns(['run_id', 'step_name']).doNothing())
    .returning('id')
    .executeTakeFirst();
  if (inserted !== undefined) return { status: 'inserted', id };
  const existing = await db.selectFrom('notify_outbox').select('id').where('run_id', '=', runId).where('step_name', '=', stepName).executeTakeFirstOrThrow();
  return { status: 'duplicate', id: existing.id };
}
