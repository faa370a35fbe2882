import type { Selectable } from 'kysely';
import type { Db, LeadsTable } from '../database.js';

/**
 * Marks the lead `canceled` for the event, when the event is the one stored or none is stored yet
 * (a cancellation arriving before its booking is recorded, so the late booking does not schedule
 * the lead). A cancellation of another event than the lead's (an old meeting) changes nothing.
 * `transitioned` is true only for the statement that moved the lead into `canceled`. Undefined
 * when there is no such lead.
 */
export async function markLeadCanceled(
  db: Db,
  args: { readonly leadId: string; readonly calendlyEventUri: string; readonly nowMs: number },
): Promise<{ readonly lead: Selectable<LeadsTable>; readonly transitioned: boolean } | undefined> {
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
