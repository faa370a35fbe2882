import { Type, type Static } from 'typebox';
import type { Action } from '../actions/action.js';
import { markLeadLinkSent } from '../store/leads/mark-lead-link-sent.js';
import type { LeadActionsDeps } from './lead-actions.js';
import { LeadStatusSchema, type LeadStatus } from './lead-status.js';
import { permanentError } from './permanent-error.js';

export const LinkSentInputSchema = Type.Object({
  lead_id: Type.String({ minLength: 1, maxLength: 64 }),
  /** The link the lead was sent (calendly.create_scheduling_link's `booking_url`). */
  booking_url: Type.String({ minLength: 1, maxLength: 2_048, pattern: '^https?://' }),
  /** true when it is the fallback link (Calendly not configured or failing). */
  fallback: Type.Boolean(),
});
export type LinkSentInput = Static<typeof LinkSentInputSchema>;

export const LinkSentOutputSchema = Type.Object({ lead_id: Type.String(), status: LeadStatusSchema });
export type LinkSentOutput = Static<typeof LinkSentOutputSchema>;

/** `leads.link_sent`: records the booking link sent to a lead; status `link_sent` unless already scheduled. An unknown lead fails the step for good. */
export function createLinkSentAction(deps: LeadActionsDeps): Action<LinkSentInput, LinkSentOutput> {
  return {
    name: 'leads.link_sent',
    description: "Records the booking link sent to a lead (its URL and whether it is the fallback one); the lead's status becomes link_sent unless it is already scheduled.",
    inputSchema: LinkSentInputSchema,
    outputSchema: LinkSentOutputSchema,
    run: async (_ctx, input) => {
      const lead = await markLeadLinkSent(deps.db, { leadId: input.lead_id, bookingUrl: input.booking_url, fallback: input.fallback, nowMs: deps.clock.nowMs() });
      if (lead === undefined) throw permanentError(`no lead ${input.lead_id}`);
      return { lead_id: lead.lead_id, status: lead.status as LeadStatus };
    },
  };
}
