import type { Db } from '../database.js';

/** Moves an alert on (meeting_scheduled, chainsync_updated …), noting its meeting when one is given. Returns false for an unknown alert. */
export async function setAlertStatus(db: Db, args: { readonly alertId: string; readonly status: string; readonly meetingId?: string | undefined; readonly nowMs: number }): Promise<boolean> {
  const result = await db
    .updateTable('alerts')
    .set({ status: args.status, updated_at: args.nowMs, ...(args.meetingId === undefined ? {} : { meeting_id: args.meetingId, meeting_created: 1 }) })
    .where('alert_id', '=', args.alertId)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}
