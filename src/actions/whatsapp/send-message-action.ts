import { Type, type Static } from 'typebox';
import type { ActionsConfig } from '../../config/actions-config-schema.js';
import type { Action, ActionContext } from '../action.js';
import type { JsonService } from '../service-client/call-json-service.js';
import { notConfiguredError } from '../service-client/not-configured-error.js';
import { sendText } from './whatsapp-client.js';

export const SendMessageInputSchema = Type.Object({
  /** Whose WhatsApp account sends it: their own token and number, else `actions.whatsapp`'s. */
  user_id: Type.Optional(Type.String({ minLength: 1 })),
  /** The recipient's phone number with country code (`+15551234567`, spaces and dashes allowed) or wa_id. */
  to: Type.String({ pattern: '^\\+?[0-9][0-9 ().-]{5,22}[0-9]$' }),
  text: Type.String({ minLength: 1, maxLength: 4_096 }),
  /** The sending number's id; wins over the user's and the default one. */
  phone_number_id: Type.Optional(Type.String({ pattern: '^[0-9]+$' })),
});
export type SendMessageInput = Static<typeof SendMessageInputSchema>;

export const SendMessageOutputSchema = Type.Object({
  /** `wamid.…`: status webhooks name the message by it. */
  message_id: Type.String({ minLength: 1 }),
  /** As the input gave it. */
  to: Type.String(),
  /** The recipient's WhatsApp id, when the API answered one. */
  wa_id: Type.Optional(Type.String()),
});
export type SendMessageOutput = Static<typeof SendMessageOutputSchema>;

/** A user's stored WhatsApp settings (PUT /api/integrations/whatsapp). */
export interface WhatsAppCredentials {
  readonly access_token?: string | undefined;
  readonly phone_number_id?: string | undefined;
}

export interface SendMessageDeps {
  readonly settings: ActionsConfig['whatsapp'];
  readonly service: JsonService;
  readonly credentials: (userId: string) => Promise<WhatsAppCredentials | undefined>;
}

/**
 * `whatsapp.send_message`: a text message through the Cloud API. Failures throw `ServiceError`s
 * the run engine reads: `retryable: false` for what no retry fixes (a missing token or number id,
 * a rejected token, a bad or unreachable recipient, the 24-hour window closed), retryable with
 * `retryAfterMs` when known for rate limits and Meta's transient errors.
 */
export function createSendMessageAction(deps: SendMessageDeps): Action<SendMessageInput, SendMessageOutput> {
  return {
    name: 'whatsapp.send_message',
    description: "Sends a WhatsApp text message (links previewed) from the user's own WhatsApp Business number, else the default one, through the WhatsApp Cloud API.",
    inputSchema: SendMessageInputSchema,
    outputSchema: SendMessageOutputSchema,
    run: (ctx, input) => sendMessage(deps, ctx, input),
  };
}

async function sendMessage(deps: SendMessageDeps, ctx: ActionContext, input: SendMessageInput): Promise<SendMessageOutput> {
  const stored = input.user_id === undefined ? undefined : await deps.credentials(input.user_id);
  const token = stored?.access_token ?? deps.settings.access_token;
  const phoneNumberId = input.phone_number_id ?? stored?.phone_number_id ?? deps.settings.phone_number_id;
  if (token === undefined) throw notConfiguredError('whatsapp', "actions.whatsapp.access_token or the user's own token", 'WHATSAPP_ACCESS_TOKEN');
  if (phoneNumberId === undefined) throw notConfiguredError('whatsapp', "actions.whatsapp.phone_number_id or the user's own number", 'WHATSAPP_PHONE_NUMBER_ID');
  const sent = await sendText(deps.service, token, phoneNumberId, { to: input.to, body: input.text, callbackData: ctx.idempotencyKey });
  return { message_id: sent.messageId, to: input.to, ...(sent.waId === undefined ? {} : { wa_id: sent.waId }) };
}
