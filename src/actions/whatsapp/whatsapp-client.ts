import { Type, type Static, type TSchema } from 'typebox';
import { Value } from 'typebox/value';
import { callJsonService, type JsonRequest, type JsonService } from '../service-client/call-json-service.js';
import { ServiceError } from '../service-client/service-error.js';
import { applyGraphErrorPolicy } from './graph-error-policy.js';

/** What `POST /{phone_number_id}/messages` answers (the fields read). */
const SendAnswer = Type.Object({
  contacts: Type.Optional(Type.Array(Type.Object({ input: Type.String(), wa_id: Type.String() }))),
  messages: Type.Array(Type.Object({ id: Type.String({ minLength: 1 }) }), { minItems: 1 }),
});

/** The fields of a phone number object (`GET /{phone_number_id}`) a health check shows. */
export const WhatsAppPhoneNumberSchema = Type.Object({
  id: Type.String(),
  display_phone_number: Type.String(),
  verified_name: Type.Optional(Type.String()),
  quality_rating: Type.Optional(Type.String()),
});
export type WhatsAppPhoneNumber = Static<typeof WhatsAppPhoneNumberSchema>;

/** A text message to send. */
export interface WhatsAppText {
  /** The recipient's phone number with country code, or their wa_id. */
  readonly to: string;
  /** Up to 4,096 characters; links get a preview. */
  readonly body: string;
  /** Echoed in the message's status webhooks (`biz_opaque_callback_data`, up to 512 characters): the run step's idempotency key. */
  readonly callbackData?: string | undefined;
}

export interface WhatsAppSent {
  /** `wamid.…`. */
  readonly messageId: string;
  /** The recipient's WhatsApp id, when the API answered one. */
  readonly waId?: string | undefined;
}

export interface WhatsAppCallOptions {
  readonly signal?: AbortSignal | undefined;
}

/**
 * Sends a text message from `phoneNumberId`. Failures are `ServiceError`s classified by the Graph
 * error code (`applyGraphErrorPolicy`): bad recipients and rejected tokens are permanent, rate
 * limits and Meta's transient errors retryable. A 2xx without a message id is a permanent
 * `invalid_response`: the message may have gone out, so it is not sent again.
 */
export async function sendText(service: JsonService, token: string, phoneNumberId: string, message: WhatsAppText, options: WhatsAppCallOptions = {}): Promise<WhatsAppSent> {
  const body = {
    messaging_product: 'whatsapp',
    recipient_type: 'individual',
    to: message.to,
    type: 'text',
    text: { preview_url: true, body: message.body },
    ...(message.callbackData === undefined ? {} : { biz_opaque_callback_data: message.callbackData.slice(0, 512) }),
  };
  const path = `/${encodeURIComponent(phoneNumberId)}/messages`;
  const answer = await callGraph(service, { method: 'POST', path, body, headers: bearer(token), signal: options.signal });
  const { contacts, messages } = readAnswer(service, 'POST /{phone_number_id}/messages', SendAnswer, answer);
  return { messageId: (messages[0] as { id: string }).id, waId: contacts?.[0]?.wa_id };
}

/** `GET /{phone_number_id}`: the number's display number, verified name and quality rating. */
export async function getPhoneNumber(service: JsonService, token: string, phoneNumberId: string, options: WhatsAppCallOptions = {}): Promise<WhatsAppPhoneNumber> {
  const answer = await callGraph(service, { method: 'GET', path: `/${encodeURIComponent(phoneNumberId)}`, headers: bearer(token), signal: options.signal });
  return readAnswer(service, 'GET /{phone_number_id}', WhatsAppPhoneNumberSchema, answer);
}

async function callGraph(service: JsonService, request: JsonRequest): Promise<unknown> {
  try {
    return (await callJsonService(service, request)).body;
  } catch (thrown) {
    throw applyGraphErrorPolicy(thrown);
  }
}

function bearer(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}

function readAnswer<S extends TSchema>(service: JsonService, what: string, schema: S, body: unknown): Static<S> {
  if (Value.Check(schema, body)) return body;
  throw new ServiceError({ service: service.name, code: 'invalid_response', retryable: false, message: `${what}: the answer does not have the expected fields` });
}
