import type { Selectable } from 'kysely';
import type { LeadsTable } from '../../store/database.js';

const iso = (ms: number): string => new Date(Number(ms)).toISOString();

/** A lead as `/api/leads` shows it: who wrote, what they asked for and where the booking stands. */
export function leadView(row: Selectable<LeadsTable>) {
  return {
    lead_id: row.lead_id,
    user_id: row.user_id,
    platform: row.platform,
    contact: row.contact,
    name: row.name,
    email: row.email,
    status: row.status,
    intent: row.intent,
    last_message: row.last_message,
    booking_url: row.booking_url,
    fallback: Number(row.fallback) === 1,
    calendly_event_uri: row.calendly_event_uri,
    meeting_start: row.meeting_start,
    created_at: iso(row.created_at),
    updated_at: iso(row.updated_at),
  };
}
