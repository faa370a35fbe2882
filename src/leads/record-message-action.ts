import { Type, type Static } from 'typebox';
import type { Action, ActionContext } from '../actions/action.js';
import { upsertLeadFromMessage } from '../store/leads/upsert-lead-from-message.js';
import type { LeadActionsDeps } from './lead-actions.js';
import { leadIdForStep } from './lead-id-for-step.js';
import { LeadStatusSchema, type LeadStatus } from './lead-status.js';
import { normalizeContact } from './normalize-contact.js';

export const RecordMessageInputSchema = Type.Object({
  /** Where the message came from: `whatsapp`, or another channel's name (lower-cased). */
  platform: Type.String({ minLength: 1, maxLength: 32, pattern: '^[A-Za-z0-9_.-]+$' }),
  /** The business number the message was sent to (WhatsApp's `metadata.phone_number_id`): finds the user who connected it. */
  phone_number_id: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  /** Whose lead it is; wins over `phone_number_id`. */
  user_id: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
  /** The sender's address: a WhatsApp wa_id, a phone number, an email. */
  contact: Type.String({ minLength: 1, maxLength: 320, pattern: '\\S' }),
  name: Type.Optional(Type.Union([Type.String({ maxLength: 255 }), Type.Null()])),
  text: Type.String({ maxLength: 65_536 }),
  /** What the message wants (an intent agent's answer, e.g. `schedule_meeting`); absent or null keeps the lead's last one. */
  intent: Type.Optional(Type.Union([Type.String({ maxLength: 255 }), Type.Null()])),
});
export type RecordMessageInput = Static<typeof RecordMessageInputSchema>;

export const RecordMessageOutputSchema = Type.Object({
  lead_id: Type.String(),
  user_id: Type.String(),
  status: LeadStatusSchema,
  /** true when this step created the lead (also when the step runs again after a crash). */
  is_new: Type.Boolean(),
});
export type RecordMessageOutput = Static<typeof RecordMessageOutputSchema>;

/**
 * `leads.record_message`: the lead behind an inbound message, created on their first message and
 * given the latest one after that; a scheduled or canceled lead keeps its status. The lead's user is
 * `user_id`, else the one who connected `phone_number_id`, else the default user. Running the step
 * twice records one lead and answers the same `is_new`.
 */
export function createRecordMessageAction(deps: LeadActionsDeps): Action<RecordMessageInput, RecordMessageOutput> {
  return {
    name: 'leads.record_message',
    description:
      "Records an inbound message on its lead (created on the first message from the contact), for the user given, else the one whose WhatsApp number received it, else the default user. Answers the lead's id, user, status and whether it is new.",
    inputSchema: RecordMessageInputSchema,
    outputSchema: RecordMessageOutputSchema,
    run: (ctx, input) => recordMessage(deps, ctx, input),
  };
}

async function recordMessage(deps: LeadActionsDeps, ctx: ActionContext, input: RecordMessageInput): Promise<RecordMessageOutput> {
  const byNumber = input.user_id === undefined && input.phone_number_id !== undefined ? await deps.credentials.userForWhatsAppNumber(input.phone_number_id) : undefined;
  const userId = input.user_id ?? byNumber ?? deps.defaultUserId ?? 'default';
  const { lead, created } = await upsertLeadFromMessage(deps.db, {
    leadId: leadIdForStep(ctx.idempotencyKey),
    userId,
    platform: input.platform.toLowerCase(),
    contact: normalizeContact(input.contact),
    name: input.name ?? null,
    text: input.text,
    intent: input.intent ?? null,
    nowMs: deps.clock.nowMs(),
  });
  return { lead_id: lead.lead_id, user_id: lead.user_id, status: lead.status as LeadStatus, is_new: created };
}
