import type { Insertable, Selectable } from 'kysely';
import type { Db, MeetingsTable } from '../database.js';

/**
 * Records a Slotify meeting. The same meeting again (a retried step) changes its details, never its
 * status; an alert's second meeting is refused by the unique alert_id and the first one returned.
 */
export async function upsertMeeting(db: Db, row: Insertable<MeetingsTable>): Promise<Selectable<MeetingsTable>> {
  const existing = row.alert_id === null || row.alert_id === undefined ? undefined : await db.selectFrom('meetings').selectAll().where('alert_id', '=', row.alert_id).executeTakeFirst();
  if (existing !== undefined && existing.meeting_id !== row.meeting_id) return existing;
  return db
    .insertInto('meetings')
    .values(row)
    .onConflict((oc) =>
      oc.column('meeting_id').doUpdateSet((eb) => ({
        meeting_url: eb.ref('excluded.meeting_url'),
        title: eb.ref('excluded.title'),
        description: eb.ref('excluded.description'),
        scheduled_time: eb.ref('excluded.scheduled_time'),
        duration_minutes: eb.ref('excluded.duration_minutes'),
        attendees: eb.ref('excluded.attendees'),
        updated_at: eb.ref('excluded.updated_at'),
      })),
    )
    .returningAll()
    .executeTakeFirstOrThrow();
}
