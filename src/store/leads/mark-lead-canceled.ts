import type { Selectable } from 'kysely';
import type { Db, LeadsTable } from '../database.js';

/**
 * Marks the lead `canceled` for the event, when the event is the one stored or none is stored yet
 * (a cancellation arriving before its booking is recorded, so the late booking does not schedule
 * the lead). A cancellation of another event than the lead's (an old meeting) changes nothing.
 * Every canceled event is recorded in `lead_canceled_events`, so a late booking of it never
 * schedules the lead again, whatever the lead went through since. `transitioned` is true only for
 * the statement that moved the lead into `canceled`. Undefined when there is no such lead.
 */
export async function markLeadCanceled(
  db: Db,
  args: { readonly leadId: string; readonly calendlyEventUri: string; readonly nowMs: number },
): Promise<{ readonly lead: Selectable<LeadsTable>; readonly transitioned: boolean } | undefined> {
  // Remembered whichever event it is, so that no later booking of it schedules the lead (mark-lead-scheduled).
  await db
    .insertInto('lead_canceled_events')
    .values({ lead_id: args.leadId, calendly_event_uri: args.calendlyEventUri, canceled_at: args.nowMs })
    .onConflict((oc) => oc.columns(['lead_id', 'calendly_event_uri']).doNothing())
    .execute();
  const moved = await db
    .updateTable('leads')
    .set({ status: 'canceled', calendly_event_uri: args.calendlyEventUri, updated_at: args.nowMs })
    .where('lead_id', '=', args.leadId)
    .where('status', '<>', 'canceled')
    .where((eb) => eb.or([eb('calendly_event_uri', 'is', null), eb('calendly_event_uri', '=', args.calendlyEventUri)]))
    .returningAll()
    .executeTakeFirst();
  if (moved !== undefined) return { lead: moved, transitioned: true };
  const lead = await db.selectFrom('leads').selectAll().where('lead_id', '=', args.leadId).executeTakeFirst();
  return lead === undefined ? undefined : { lead, transitioned: false };
}
