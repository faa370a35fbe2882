import { sql, type Selectable } from 'kysely';
import type { Db, LeadsTable } from '../database.js';

/**
 * Records the booking link sent to the lead: booking_url, fallback, and status `link_sent` unless
 * the lead is already `scheduled` (a canceled lead given a new link is waiting for a booking again).
 * Undefined when there is no such lead.
 */
export async function markLeadLinkSent(
  db: Db,
  args: { readonly leadId: string; readonly bookingUrl: string; readonly fallback: boolean; readonly nowMs: number },
): Promise<Selectable<LeadsTable> | undefined> {
  return db
    .updateTable('leads')
    .set({
      status: sql<string>`case when status = 'scheduled' then status else 'link_sent' end`,
      booking_url: args.bookingUrl,
      fallback: args.fallback ? 1 : 0,
      updated_at: args.nowMs,
    })
    .where('lead_id', '=', args.leadId)
    .returningAll()
    .executeTakeFirst();
}
