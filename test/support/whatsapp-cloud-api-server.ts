import { randomBytes } from 'node:crypto';
import { createServer, type Server, type ServerResponse } from 'node:http';
import { metaScheme } from '../../src/ingress/verify/meta.js';
import { closeHttpServer } from '../delivery/support/listen-on-loopback.js';
import { readRecordedRequest, type RecordedRequest } from '../delivery/support/recorded-request.js';

/** What the stand-in serves: sending messages and reading a phone number. */
export type WhatsAppRoute = 'messages' | 'phone_number';

/** A Graph API error as the stand-in answers it: `{error: {message, type, code, error_subcode?, error_data?, fbtrace_id}}`. */
export interface GraphErrorReply {
  readonly status: number;
  readonly code: number;
  readonly subcode?: number;
  readonly message?: string;
  /** Default `OAuthException`. */
  readonly type?: string;
  /** WhatsApp errors carry `error_data: {messaging_product: "whatsapp", details}`. */
  readonly details?: string;
  readonly retryAfterSeconds?: number;
}

/**
 * One programmed answer, used by the next request to a route instead of the normal one:
 * `'hang'` (never answer, for timeouts), a Graph error (see `graphErrors`), or a raw
 * `{ status, body }` (e.g. a proxy's HTML 502).
 */
export type WhatsAppReply = 'hang' | GraphErrorReply | { readonly status: number; readonly body: string; readonly retryAfterSeconds?: number };

/** Errors the Cloud API answers, by what they mean. */
export const graphErrors = {
  invalidToken: { status: 401, code: 190, message: 'Invalid OAuth access token - Cannot parse access token' },
  expiredToken: { status: 401, code: 190, subcode: 463, message: 'Error validating access token: Session has expired on Tuesday, 01-Jul-25 00:00:00 PDT.' },
  recipientNotAllowed: { status: 400, code: 131030, message: '(#131030) Recipient phone number not in allowed list', details: 'Recipient phone number not in allowed list: Add recipient phone number to recipient list and try again.' },
  undeliverable: { status: 400, code: 131026, message: '(#131026) Message undeliverable', details: 'Message Undeliverable.' },
  reEngagementRequired: { status: 400, code: 131047, message: '(#131047) Re-engagement message', details: 'Message failed to send because more than 24 hours have passed since the customer last replied to this number.' },
  rateLimited: { status: 429, code: 130429, message: '(#130429) Rate limit hit', details: 'Cloud API message throughput has been reached.' },
  businessRateLimited: { status: 400, code: 80007, message: '(#80007) Rate limit issues', details: 'The WhatsApp Business Account has reached its rate limit.' },
  somethingWentWrong: { status: 500, code: 131000, message: '(#131000) Something went wrong', details: 'Something went wrong.' },
  serviceUnavailable: { status: 503, code: 131016, message: '(#131016) Service unavailable', details: 'A service is temporarily unavailable.' },
} as const satisfies Record<string, GraphErrorReply>;

export interface WhatsAppPhoneNumberSeed {
  readonly phoneNumberId: string;
  /** The access token (system user or user token) allowed to use this number. */
  readonly token: string;
  /** Default `+1 555-0100`. */
  readonly displayPhoneNumber?: string;
  readonly verifiedName?: string;
  /** When set, the number is in test mode: other recipients get 131030. wa_ids (digits only). */
  readonly allowedRecipients?: readonly string[];
}

/** A message the stand-in accepted. */
export interface WhatsAppSentMessage {
  /** The `wamid.…` answered. */
  readonly id: string;
  readonly phoneNumberId: string;
  /** As the request gave it. */
  readonly to: string;
  /** Its digits. */
  readonly waId: string;
  readonly body: string;
  readonly previewUrl: boolean;
  /** `biz_opaque_callback_data`, when the request carried it. */
  readonly callbackData?: string;
  readonly token: string;
}

export interface WhatsAppRecordedRequest extends RecordedRequest {
  readonly route: WhatsAppRoute | 'unknown';
}

export interface WhatsAppCloudApiServerOptions {
  /** Listen on this port instead of a free one. */
  readonly port?: number;
  /** Default: one number, id `106540352242922`, token `whatsapp-test-token`. */
  readonly phoneNumbers?: readonly WhatsAppPhoneNumberSeed[];
}

export interface WhatsAppCloudApiServer {
  /** The Graph root with its version (`base_url`): `http://127.0.0.1:<port>/v21.0`. */
  readonly url: string;
  readonly port: number;
  /** The first phone number's id and token. */
  readonly phoneNumberId: string;
  readonly token: string;
  readonly received: WhatsAppRecordedRequest[];
  readonly sent: WhatsAppSentMessage[];
  addPhoneNumber(seed: WhatsAppPhoneNumberSeed): void;
  /** Queues answers for the next requests to `route`, in order; afterwards it answers normally again. */
  program(route: WhatsAppRoute, ...replies: WhatsAppReply[]): void;
  /** The next `n` requests to `route` (default `messages`) get `reply`. */
  failNext(n: number, reply: WhatsAppReply, route?: WhatsAppRoute): void;
  /** Stops listening and drops every connection: calls fail with ECONNREFUSED until `up()`. */
  down(): Promise<void>;
  up(): Promise<void>;
  close(): Promise<void>;
}

const version = 'v21.0';

/**
 * A local stand-in for the WhatsApp Cloud API (Graph `v21.0`) on 127.0.0.1:
 * - `POST /v21.0/{phone_number_id}/messages` with `Authorization: Bearer`: 401 code 190 for an
 *   unknown token, 400 code 100 subcode 33 for a number the token may not use; checks
 *   `messaging_product: "whatsapp"`, `recipient_type`, `to` and a text `body` (≤ 4,096 characters), test-mode
 *   recipients (131030), and answers `{messaging_product, contacts: [{input, wa_id}], messages: [{id: "wamid.…"}]}`;
 * - `GET /v21.0/{phone_number_id}`: the phone number object (`verified_name`, `display_phone_number`, `quality_rating`, …).
 * Anything else is 400 code 100, as Graph answers unknown paths.
 */
export async function startWhatsAppCloudApiServer(options: WhatsAppCloudApiServerOptions = {}): Promise<WhatsAppCloudApiServer> {
  const numbers: WhatsAppPhoneNumberSeed[] = [...(options.phoneNumbers ?? [{ phoneNumberId: '106540352242922', token: 'whatsapp-test-token' }])];
  const received: WhatsAppRecordedRequest[] = [];
  const sent: WhatsAppSentMessage[] = [];
  const queues: Record<WhatsAppRoute, WhatsAppReply[]> = { messages: [], phone_number: [] };

  const handle = (recorded: RecordedRequest, response: ServerResponse): void => {
    const { route, phoneNumberId } = routeOf(recorded.method, recorded.path);
    received.push({ ...recorded, route });
    if (route === 'unknown') return sendGraphError(response, { status: 400, code: 100, type: 'GraphMethodException', message: `Unsupported ${recorded.method.toLowerCase()} request.` });
    const reply = queues[route].shift();
    if (reply === 'hang') return;
    if (reply !== undefined) return sendProgrammed(response, reply);
    const token = /^Bearer (.+)$/.exec(recorded.headers.authorization ?? '')?.[1];
    if (token === undefined) return sendGraphError(response, { status: 400, code: 2500, message: 'An active access token must be used to query information about the current user.' });
    if (!numbers.some((number) => number.token === token)) return sendGraphError(response, graphErrors.invalidToken);
    const number = numbers.find((candidate) => candidate.phoneNumberId === phoneNumberId && candidate.token === token);
    if (number === undefined) return sendGraphError(response, missingObject(recorded.method, phoneNumberId));
    if (route === 'phone_number') return sendJson(response, 200, phoneNumberObject(number));
    const accepted = acceptMessage(recorded.body, number, token);
    if ('status' in accepted) return sendGraphError(response, accepted);
    sent.push(accepted);
    sendJson(response, 200, { messaging_product: 'whatsapp', contacts: [{ input: accepted.to, wa_id: accepted.waId }], messages: [{ id: accepted.id }] });
  };

  const server = createServer((request, response) => void readRecordedRequest(request).then((recorded) => handle(recorded, response)));
  const port = await listen(server, options.port ?? 0);
  const [first] = numbers;
  return {
    url: `http://127.0.0.1:${port}/${version}`,
    port,
    phoneNumberId: first?.phoneNumberId ?? '',
    token: first?.token ?? '',
    received,
    sent,
    addPhoneNumber: (seed) => void numbers.push(seed),
    program: (route, ...replies) => void queues[route].push(...replies),
    failNext: (n, reply, route = 'messages') => void queues[route].push(...Array.from({ length: n }, () => reply)),
    down: () => closeHttpServer(server),
    up: async () => void (await listen(server, port)),
    close: () => (server.listening ? closeHttpServer(server) : Promise.resolve()),
  };
}

/** The inbound message a WhatsApp user sends, as Meta posts it to the app's webhook, signed with the app secret. */
export interface WhatsAppInboundMessage {
  readonly phoneNumberId: string;
  /** The sender's wa_id (digits). */
  readonly from: string;
  /** The sender's profile name. */
  readonly name: string;
  readonly text: string;
  /** Default `15550100`. */
  readonly displayPhoneNumber?: string;
  /** The WhatsApp Business Account id (`entry[0].id`). Default `102290129340398`. */
  readonly businessAccountId?: string;
  /** Default: a fresh `wamid.…`. */
  readonly messageId?: string;
  /** Default: now. */
  readonly nowMs?: number;
}

/**
 * A signed inbound-message webhook (`object: whatsapp_business_account`, one `messages` change).
 * The body escapes non-ASCII characters as `\uXXXX`, as Meta sends it, so only the raw bytes verify.
 */
export function whatsappMessageWebhook(message: WhatsAppInboundMessage, appSecret: string): { readonly body: string; readonly headers: Record<string, string> } {
  const value = {
    messaging_product: 'whatsapp',
    metadata: { display_phone_number: message.displayPhoneNumber ?? '15550100', phone_number_id: message.phoneNumberId },
    contacts: [{ profile: { name: message.name }, wa_id: message.from }],
    messages: [{ from: message.from, id: message.messageId ?? newWamid(), timestamp: String(Math.floor((message.nowMs ?? Date.now()) / 1000)), type: 'text', text: { body: message.text } }],
  };
  const payload = { object: 'whatsapp_business_account', entry: [{ id: message.businessAccountId ?? '102290129340398', changes: [{ value, field: 'messages' }] }] };
  const body = JSON.stringify(payload).replace(/[\u007f-\uffff]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
  const signature = metaScheme.sign(Buffer.from(body), appSecret, {}, { url: '', messageId: '', nowMs: message.nowMs ?? Date.now() });
  return { body, headers: { 'content-type': 'application/json', 'user-agent': 'facebookexternalua', ...signature } };
}

function routeOf(method: string, path: string): { readonly route: WhatsAppRoute | 'unknown'; readonly phoneNumberId: string } {
  const match = new RegExp(`^/${version.replace('.', '\\.')}/([^/]+)(/messages)?$`).exec(path);
  const phoneNumberId = match?.[1] ?? '';
  if (match !== null && method === 'POST' && match[2] !== undefined) return { route: 'messages', phoneNumberId };
  if (match !== null && method === 'GET' && match[2] === undefined) return { route: 'phone_number', phoneNumberId };
  return { route: 'unknown', phoneNumberId };
}

function acceptMessage(body: unknown, number: WhatsAppPhoneNumberSeed, token: string): WhatsAppSentMessage | GraphErrorReply {
  const fields = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const invalid = (message: string, code = 100): GraphErrorReply => ({ status: 400, code, message });
  if (fields.messaging_product !== 'whatsapp') return invalid('(#100) The parameter messaging_product is required.');
  if (fields.recipient_type !== undefined && fields.recipient_type !== 'individual') return invalid('(#100) Param recipient_type must be one of {INDIVIDUAL, GROUP}');
  if (typeof fields.to !== 'string' || fields.to === '') return invalid('(#100) The parameter to is required.');
  if ((fields.type ?? 'text') !== 'text') return invalid(`(#100) Param type must be one the stand-in supports: text`);
  const text = (typeof fields.text === 'object' && fields.text !== null ? fields.text : {}) as { body?: unknown; preview_url?: unknown };
  if (typeof text.body !== 'string' || text.body === '') return invalid("(#100) Param text['body'] is required.");
  if (text.body.length > 4_096) return invalid("(#100) Param text['body'] must be at most 4096 characters long.");
  const waId = fields.to.replace(/\D/g, '');
  if (waId.length < 7 || waId.length > 15) return { status: 400, code: 131009, message: '(#131009) Parameter value is not valid', details: `Invalid WhatsApp phone number: ${fields.to}` };
  if (number.allowedRecipients !== undefined && !number.allowedRecipients.includes(waId)) return graphErrors.recipientNotAllowed;
  const callbackData = typeof fields.biz_opaque_callback_data === 'string' ? { callbackData: fields.biz_opaque_callback_data } : {};
  return { id: newWamid(), phoneNumberId: number.phoneNumberId, to: fields.to, waId, body: text.body, previewUrl: text.preview_url === true, ...callbackData, token };
}

function phoneNumberObject(number: WhatsAppPhoneNumberSeed): Record<string, unknown> {
  return {
    verified_name: number.verifiedName ?? 'Switchboard Test',
    code_verification_status: 'VERIFIED',
    display_phone_number: number.displayPhoneNumber ?? '+1 555-0100',
    quality_rating: 'GREEN',
    platform_type: 'CLOUD_API',
    throughput: { level: 'STANDARD' },
    id: number.phoneNumberId,
  };
}

function missingObject(method: string, id: string): GraphErrorReply {
  return {
    status: 400,
    code: 100,
    subcode: 33,
    type: 'GraphMethodException',
    message: `Unsupported ${method.toLowerCase()} request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation. Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api`,
  };
}

function sendProgrammed(response: ServerResponse, reply: Exclude<WhatsAppReply, 'hang'>): void {
  if ('body' in reply) {
    if (reply.retryAfterSeconds !== undefined) response.setHeader('retry-after', String(reply.retryAfterSeconds));
    return void response.writeHead(reply.status, { 'content-type': 'text/html' }).end(reply.body);
  }
  sendGraphError(response, reply);
}

function sendGraphError(response: ServerResponse, reply: GraphErrorReply): void {
  if (reply.retryAfterSeconds !== undefined) response.setHeader('retry-after', String(reply.retryAfterSeconds));
  const error = {
    message: reply.message ?? `(#${reply.code}) Stand-in error`,
    type: reply.type ?? 'OAuthException',
    code: reply.code,
    ...(reply.subcode === undefined ? {} : { error_subcode: reply.subcode }),
    ...(reply.details === undefined ? {} : { error_data: { messaging_product: 'whatsapp', details: reply.details } }),
    fbtrace_id: randomBytes(12).toString('base64url'),
  };
  if (reply.status === 401) response.setHeader('www-authenticate', 'OAuth "Facebook Platform" "invalid_token" "Invalid OAuth access token"');
  sendJson(response, reply.status, { error });
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json; charset=UTF-8' }).end(JSON.stringify(body));
}

/** Cloud API message ids are `wamid.` and a base64 blob. */
function newWamid(): string {
  return `wamid.${randomBytes(30).toString('base64')}`;
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      const address = server.address();
      if (address === null || typeof address === 'string') reject(new Error('the server has no TCP address'));
      else resolve(address.port);
    });
  });
}
