import type { Selectable } from 'kysely';
import type { Db, LeadsTable } from '../database.js';

/** An inbound message from a lead, already attributed to a user and with a normalised contact. */
export interface LeadMessage {
  /** The id a new lead gets; the caller derives it from the step so a repeated write finds its own lead. */
  readonly leadId: string;
  readonly userId: string;
  readonly platform: string;
  readonly contact: string;
  /** Null keeps the stored name. */
  readonly name: string | null;
  readonly text: string;
  /** Null keeps the stored intent. */
  readonly intent: string | null;
  readonly nowMs: number;
}

/**
 * Creates the lead for (user, platform, contact), status `new`, or records the message on the
 * existing one: last_message, and the name and intent when given. The status is never changed here,
 * so a scheduled or canceled lead stays so. One statement, so concurrent messages from one contact
 * make one lead. `created` is true when the lead has `args.leadId`: the write that created it, or
 * the same write repeated.
 */
export async function upsertLeadFromMessage(db: Db, args: LeadMessage): Promise<{ readonly lead: Selectable<LeadsTable>; readonly created: boolean }> {
  const lead = await db
    .insertInto('leads')
    .values({
      lead_id: args.leadId,
      user_id: args.userId,
      platform: args.platform,
      contact: args.contact,
      name: args.name,
      status: 'new',
      intent: args.intent,
      last_message: args.text,
      booking_url: null,
      fallback: 0,
      calendly_event_uri: null,
      meeting_start: null,
      email: null,
      created_at: args.nowMs,
      updated_at: args.nowMs,
    })
    .onConflict((oc) =>
      oc.columns(['user_id', 'platform', 'contact']).doUpdateSet((eb) => ({
        last_message: eb.ref('excluded.last_message'),
        name: eb.fn.coalesce(eb.ref('excluded.name'), eb.ref('leads.name')),
        intent: eb.fn.coalesce(eb.ref('excluded.intent'), eb.ref('leads.intent')),
        updated_at: eb.ref('excluded.updated_at'),
      })),
    )
    .returningAll()
    .executeTakeFirstOrThrow();
  return { lead, created: lead.lead_id === args.leadId };
}
