import type { Selectable } from 'kysely';
import type { Db, LeadsTable } from '../store/database.js';
import { findLead } from '../store/leads/find-lead.js';
import { findLeadsForInvitee } from '../store/leads/find-leads-for-invitee.js';
import { phoneDigits } from './normalize-contact.js';

/** The invitee fields a lead is matched by. */
export interface InviteeIdentity {
  /** `tracking.utm_content`: the lead id calendly.create_scheduling_link put in the booking URL. */
  readonly leadId?: string | null | undefined;
  readonly phone?: string | null | undefined;
  readonly email?: string | null | undefined;
  readonly eventUri: string;
  /** Only this user's leads, when given. */
  readonly userId?: string | undefined;
}

export interface InviteeMatch {
  readonly lead: Selectable<LeadsTable>;
  readonly matchedBy: 'tracking' | 'phone' | 'email';
}

/**
 * The lead a Calendly invitee is: the one the booking URL's tracking names, else one whose contact
 * is the invitee's SMS reminder number or email. Among several, the one already holding this event,
 * else one waiting for a booking (`link_sent`), else the most recently active. Undefined when none.
 */
export async function matchInviteeLead(db: Db, invitee: InviteeIdentity): Promise<InviteeMatch | undefined> {
  if (typeof invitee.leadId === 'string' && invitee.leadId !== '') {
    const tracked = await findLead(db, { leadId: invitee.leadId });
    if (tracked !== undefined && (invitee.userId === undefined || tracked.user_id === invitee.userId)) return { lead: tracked, matchedBy: 'tracking' };
  }
  const phone = typeof invitee.phone === 'string' ? phoneDigits(invitee.phone) : undefined;
  const email = typeof invitee.email === 'string' && invitee.email.includes('@') ? invitee.email.trim().toLowerCase() : undefined;
  const contacts = [...(phone === undefined ? [] : [phone]), ...(email === undefined ? [] : [email])];
  const candidates = await findLeadsForInvitee(db, { userId: invitee.userId, contacts, email });
  const lead = candidates.find((c) => c.calendly_event_uri === invitee.eventUri) ?? candidates.find((c) => c.status === 'link_sent') ?? candidates[0];
  if (lead === undefined) return undefined;
  return { lead, matchedBy: phone !== undefined && lead.contact === phone ? 'phone' : 'email' };
}
