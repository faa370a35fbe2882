import type { Insertable, Selectable } from 'kysely';
import type { Db, MeetingsTable } from '../database.js';

/**
 * What recording a meeting did: `stored` (new, or the same meeting of the same alert again, its
 * details refreshed); `alert_has_meeting` (the alert already has another meeting, returned
 * unchanged); `meeting_of_another_alert` (the meeting id is already stored for another alert, or
 * for none when this one names an alert, or the other way round: that row, returned unchanged).
 */
export interface MeetingUpsertOutcome {
  readonly outcome: 'stored' | 'alert_has_meeting' | 'meeting_of_another_alert';
  readonly meeting: Selectable<MeetingsTable>;
}

/**
 * Records a Slotify meeting. The same meeting again (a retried step) changes its details, never its
 * status; an alert's second meeting is refused by the unique alert_id and the first one returned.
 * A meeting id that belongs to another alert (Slotify reusing an id) never has its row changed: the
 * update is conditional on the alert, so not even a concurrent writer can overwrite it.
 */
export async function upsertMeeting(db: Db, row: Insertable<MeetingsTable>): Promise<MeetingUpsertOutcome> {
  const alertId = row.alert_id ?? null;
  const existing = alertId === null ? undefined : await db.selectFrom('meetings').selectAll().where('alert_id', '=', alertId).executeTakeFirst();
  if (existing !== undefined && existing.meeting_id !== row.meeting_id) return { outcome: 'alert_has_meeting', meeting: existing };
  const stored = await db
    .insertInto('meetings')
    .values(row)
    .onConflict((oc) =>
      oc
        .column('meeting_id')
        .doUpdateSet((eb) => ({
          meeting_url: eb.ref('excluded.meeting_url'),
          title: eb.ref('excluded.title'),
          description: eb.ref('excluded.description'),
          scheduled_time: eb.ref('excluded.scheduled_time'),
          duration_minutes: eb.ref('excluded.duration_minutes'),
          attendees: eb.ref('excluded.attendees'),
          updated_at: eb.ref('excluded.updated_at'),
        }))
        .where('meetings.alert_id', 'is not distinct from', alertId),
    )
    .returningAll()
    .executeTakeFirst();
  if (stored !== undefined) return { outcome: 'stored', meeting: stored };
  const owner = await db.selectFrom('meetings').selectAll().where('meeting_id', '=', row.meeting_id).executeTakeFirstOrThrow();
  return { outcome: 'meeting_of_another_alert', meeting: owner };
}
