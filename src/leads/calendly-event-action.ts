import { Type, type Static } from 'typebox';
import type { Action } from '../actions/action.js';
import { markLeadCanceled } from '../store/leads/mark-lead-canceled.js';
import { markLeadScheduled } from '../store/leads/mark-lead-scheduled.js';
import { incrementPlatformCounter } from '../store/platform-integrations/increment-platform-counter.js';
import type { LeadActionsDeps } from './lead-actions.js';
import { LeadStatusSchema, type LeadStatus } from './lead-status.js';
import { matchInviteeLead } from './match-invitee-lead.js';

const NullableText = Type.Optional(Type.Union([Type.String(), Type.Null()]));

/** The fields of a Calendly invitee webhook's `payload` this action reads; the rest is allowed and ignored. */
export const CalendlyInviteePayloadSchema = Type.Object({
  /** The invitee's URI. */
  uri: Type.Optional(Type.String()),
  email: NullableText,
  text_reminder_number: NullableText,
  tracking: Type.Optional(Type.Union([Type.Object({ utm_content: NullableText }), Type.Null()])),
  /** On invitee.canceled: true when the cancellation is half of a reschedule (an invitee.created for the new time follows). */
  rescheduled: Type.Optional(Type.Union([Type.Boolean(), Type.Null()])),
  /** On the invitee.created of a reschedule: the URI of the invitee it replaces. */
  old_invitee: NullableText,
  scheduled_event: Type.Object({ uri: Type.String({ minLength: 1 }), start_time: Type.String({ minLength: 1 }) }),
});

export const CalendlyEventInputSchema = Type.Object({
  event: Type.Union([Type.Literal('invitee.created'), Type.Literal('invitee.canceled')]),
  payload: CalendlyInviteePayloadSchema,
  /** Match only this user's leads (by contact); the tracked lead id must belong to them too. */
  user_id: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
});
export type CalendlyEventInput = Static<typeof CalendlyEventInputSchema>;

export const CalendlyEventOutputSchema = Type.Object({
  /** false: no lead is this invitee (not an error: someone booked without a link from a lead flow). */
  matched: Type.Boolean(),
  lead_id: Type.Optional(Type.String()),
  user_id: Type.Optional(Type.String()),
  status: Type.Optional(LeadStatusSchema),
  matched_by: Type.Optional(Type.Union([Type.Literal('tracking'), Type.Literal('phone'), Type.Literal('email')])),
});
export type CalendlyEventOutput = Static<typeof CalendlyEventOutputSchema>;

/**
 * `leads.calendly_event`: a Calendly invitee webhook applied to its lead. invitee.created schedules
 * the lead (event URI, start time, email) and counts the meeting in the user's Calendly
 * `meetings_scheduled`, in the same transaction and only when the lead moves into `scheduled`, so a
 * redelivered webhook or a repeated step never counts twice; a reschedule moves the lead to the new
 * event without counting. invitee.canceled cancels it, unless it is half of a reschedule or cancels
 * another event than the lead's.
 */
export function createCalendlyEventAction(deps: LeadActionsDeps): Action<CalendlyEventInput, CalendlyEventOutput> {
  return {
    name: 'leads.calendly_event',
    description:
      "Applies a Calendly invitee.created or invitee.canceled webhook to its lead (named by the booking URL's utm_content, else matched by SMS reminder number or email): scheduled with the event and start time (counted once in the user's meetings_scheduled), or canceled. No matching lead answers matched: false.",
    inputSchema: CalendlyEventInputSchema,
    outputSchema: CalendlyEventOutputSchema,
    run: (_ctx, input) => applyCalendlyEvent(deps, input),
  };
}

async function applyCalendlyEvent(deps: LeadActionsDeps, input: CalendlyEventInput): Promise<CalendlyEventOutput> {
  const { payload } = input;
  const eventUri = payload.scheduled_event.uri;
  const match = await matchInviteeLead(deps.db, {
    leadId: payload.tracking?.utm_content,
    phone: payload.text_reminder_number,
    email: payload.email,
    eventUri,
    userId: input.user_id,
  });
  if (match === undefined) return { matched: false };
  const answer = (lead: { readonly lead_id: string; readonly user_id: string; readonly status: string }): CalendlyEventOutput => ({
    matched: true,
    lead_id: lead.lead_id,
    user_id: lead.user_id,
    status: lead.status as LeadStatus,
    matched_by: match.matchedBy,
  });
  const leadId = match.lead.lead_id;
  const nowMs = deps.clock.nowMs();

  if (input.event === 'invitee.created') {
    const marked = await deps.db.transaction().execute(async (trx) => {
      const result = await markLeadScheduled(trx, {
        leadId,
        calendlyEventUri: eventUri,
        meetingStart: payload.scheduled_event.start_time,
        email: typeof payload.email === 'string' && payload.email.trim() !== '' ? payload.email.trim().toLowerCase() : null,
        replacesEventUri: eventOfInvitee(payload.old_invitee),
        nowMs,
      });
      if (result?.transitioned === true) await incrementPlatformCounter(trx, { userId: result.lead.user_id, platform: 'calendly', counter: 'meetings_scheduled' });
      return result;
    });
    return marked === undefined ? { matched: false } : answer(marked.lead);
  }
  // The invitee.created for the new time follows and moves the lead to its event.
  if (payload.rescheduled === true) return answer(match.lead);
  const marked = await markLeadCanceled(deps.db, { leadId, calendlyEventUri: eventUri, nowMs });
  return marked === undefined ? { matched: false } : answer(marked.lead);
}

/** The scheduled event an invitee URI (`…/scheduled_events/<id>/invitees/<id>`) belongs to. */
function eventOfInvitee(inviteeUri: string | null | undefined): string | undefined {
  if (typeof inviteeUri !== 'string') return undefined;
  const at = inviteeUri.indexOf('/invitees/');
  return at > 0 ? inviteeUri.slice(0, at) : undefined;
}
