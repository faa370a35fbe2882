import type { Selectable } from 'kysely';
import type { Db, MeetingsTable } from '../database.js';

/** The most recently created meetings, newest first. */
export function listRecentMeetings(db: Db, limit: number): Promise<Selectable<MeetingsTable>[]> {
  return db.selectFrom('meetings').selectAll().orderBy('created_at', 'desc').orderBy('meeting_id', 'desc').limit(limit).execute();
}
