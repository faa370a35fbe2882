import type { Selectable } from 'kysely';
import type { Db, MeetingsTable } from '../database.js';

/** Sets a meeting's status (completed, cancelled, …); undefined for an unknown meeting. */
export function setMeetingStatus(db: Db, args: { readonly meetingId: string; readonly status: string; readonly nowMs: number }): Promise<Selectable<MeetingsTable> | undefined> {
  return db.updateTable('meetings').set({ status: args.status, updated_at: args.nowMs }).where('meeting_id', '=', args.meetingId).returningAll().executeTakeFirst();
}
