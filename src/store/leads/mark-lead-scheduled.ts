import type { Selectable } from 'kysely';
import type { Db, LeadsTable } from '../database.js';

/** A booked Calendly event for a lead. */
export interface LeadMeeting {
  readonly leadId: string;
  /** The scheduled event's URI. */
  readonly calendlyEventUri: string;
  /** ISO 8601. */
  readonly meetingStart: string;
  /** The invitee's email (lower case); null keeps the stored one. */
  readonly email: string | null;
  /** For a reschedule: the URI of the event it replaces. */
  readonly replacesEventUri?: string | undefined;
  readonly nowMs: number;
}

/**
 * Marks the lead `scheduled` for the event. `transitioned` is true only for the statement that
 * moved the lead into `scheduled`, which is what a caller counts: a redelivered webhook or a
 * repeated step finds the lead already scheduled. An event whose cancellation is already recorded
 * (in `lead_canceled_events`: the two webhooks arrived out of order, or an old one came late or
 * was redelivered, even after the lead was sent a new link) does not schedule the lead again. A
 * lead already scheduled gets the event's start time and email refreshed when it is the same event,
 * or moves to this event when it replaces the one stored (a reschedule); any other event leaves it
 * as it is. Undefined when there is no such lead.
 */
export async function markLeadScheduled(db: Db, args: LeadMeeting): Promise<{ readonly lead: Selectable<LeadsTable>; readonly transitioned: boolean } | undefined> {
  const moved = await db
    .updateTable('leads')
    .set((eb) => ({
      status: 'scheduled',
      calendly_event_uri: args.calendlyEventUri,
      meeting_start: args.meetingStart,
      email: eb.fn.coalesce(eb.val(args.email), eb.ref('email')),
      updated_at: args.nowMs,
    }))
    .where('lead_id', '=', args.leadId)
    .where('status', '<>', 'scheduled')
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('lead_canceled_events')
            .select('lead_canceled_events.lead_id')
            .where('lead_canceled_events.lead_id', '=', args.leadId)
            .where('lead_canceled_events.calendly_event_uri', '=', args.calendlyEventUri),
        ),
      ),
    )
    .returningAll()
    .executeTakeFirst();
  if (moved !== undefined) return { lead: moved, transitioned: true };
  const sameEvent = [args.calendlyEventUri, ...(args.replacesEventUri === undefined ? [] : [args.replacesEventUri])];
  const refreshed = await db
    .updateTable('leads')
    .set((eb) => ({
      calendly_event_uri: args.calendlyEventUri,
      meeting_start: args.meetingStart,
      email: eb.fn.coalesce(eb.val(args.email), eb.ref('email')),
      updated_at: args.nowMs,
    }))
    .where('lead_id', '=', args.leadId)
    .where('status', '=', 'scheduled')
    .where('calendly_event_uri', 'in', sameEvent)
    .returningAll()
    .executeTakeFirst();
  if (refreshed !== undefined) return { lead: refreshed, transitioned: false };
  const lead = await db.selectFrom('leads').selectAll().where('lead_id', '=', args.leadId).executeTakeFirst();
  return lead === undefined ? undefined : { lead, transitioned: false };
}
