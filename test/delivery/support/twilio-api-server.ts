import { createServer, type ServerResponse } from 'node:http';
import { countSmsSegments } from '../../../src/delivery/channels/count-sms-segments.js';
import { closeHttpServer, listenOnLoopback } from './listen-on-loopback.js';
import { readRecordedRequest, type RecordedRequest } from './recorded-request.js';

/** What the stand-in serves: creating messages and reading the account. */
export type TwilioRoute = 'messages' | 'account';

/**
 * One programmed answer, used by the next request to its route instead of the normal one:
 * - `'accept'`: the normal answer (auth and validation included);
 * - `'hang'`: never answer (until `close()`), for timeouts;
 * - `{ status, code, message? }`: Twilio's error JSON `{code, message, more_info, status}`, e.g.
 *   `{ status: 400, code: 21211 }`, `{ status: 429, code: 20429, retryAfterSeconds: 2 }`;
 * - `{ status, body? }`: that status with that raw body, e.g. `{ status: 500 }`.
 */
export type TwilioReply =
  | 'accept'
  | 'hang'
  | { readonly status: number; readonly code: number; readonly message?: string; readonly retryAfterSeconds?: number }
  | { readonly status: number; readonly body?: string; readonly retryAfterSeconds?: number };

export interface TwilioRecordedRequest extends RecordedRequest {
  readonly route: TwilioRoute | 'unknown';
}

/** A Message resource as Twilio's API answers it (the fields Switchboard reads and a few more). */
export interface TwilioMessageResource {
  readonly sid: string;
  readonly account_sid: string;
  readonly messaging_service_sid: string | null;
  readonly to: string;
  readonly from: string | null;
  readonly body: string;
  readonly status: 'queued' | 'accepted';
  readonly num_segments: string;
  readonly num_media: string;
  readonly direction: 'outbound-api';
  readonly api_version: '2010-04-01';
  readonly date_created: string;
  readonly date_updated: string;
  readonly date_sent: null;
  readonly error_code: null;
  readonly error_message: null;
  readonly price: null;
  readonly price_unit: string;
  readonly uri: string;
}

export interface TwilioApiServerOptions {
  /** Default `AC00…01` (AC and 32 hex digits). */
  readonly accountSid?: string;
  readonly authToken?: string;
}

export interface TwilioApiServer {
  /** The REST root (`base_url`): `http://127.0.0.1:<port>`. */
  readonly url: string;
  readonly port: number;
  readonly accountSid: string;
  readonly authToken: string;
  /** Every request, in arrival order, with its parsed body (form fields). */
  readonly received: TwilioRecordedRequest[];
  /** The messages created (answered 201), in order. */
  readonly messages: TwilioMessageResource[];
  /** Queues answers for the next requests to `route`, in order; afterwards the route answers normally again. */
  program(route: TwilioRoute, ...replies: TwilioReply[]): void;
  /** Queues the same answer for the next `n` requests to `route` (default `messages`). */
  failNext(n: number, reply: TwilioReply, route?: TwilioRoute): void;
  /** Stops listening and ends every connection, unanswered ones included. */
  close(): Promise<void>;
}

const e164 = /^\+[1-9]\d{6,14}$/;

/**
 * A local stand-in for Twilio's REST API on 127.0.0.1 (port 0):
 * - `POST /2010-04-01/Accounts/{AccountSid}/Messages.json`, form-encoded, HTTP Basic auth of
 *   `sid:token` (401 code 20003 otherwise): `To` (21604 missing, 21211 not E.164), `From` or
 *   `MessagingServiceSid` (21603), `Body` (21602 missing, 21617 over 1,600 characters); answers
 *   201 with the Message resource (`sid` SM…, `status` queued, or accepted through a messaging
 *   service, `num_segments`, `date_created` in RFC 2822…).
 * - `GET /2010-04-01/Accounts/{AccountSid}.json`: the account (200), for health checks.
 * Anything else is 404 code 20404.
 */
export async function startTwilioApiServer(options: TwilioApiServerOptions = {}): Promise<TwilioApiServer> {
  const accountSid = options.accountSid ?? `AC${'0'.repeat(31)}1`;
  const authToken = options.authToken ?? 'twilio-test-auth-token';
  const expectedAuthorization = `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}`;
  const received: TwilioRecordedRequest[] = [];
  const messages: TwilioMessageResource[] = [];
  const queues: Record<TwilioRoute, TwilioReply[]> = { messages: [], account: [] };

  const server = createServer((request, response) => {
    void readRecordedRequest(request).then((recorded) => {
      const route = routeOf(recorded.method, recorded.path, accountSid);
      received.push({ ...recorded, route });
      if (route === 'unknown') return sendError(response, 404, 20404, `The requested resource ${recorded.path} was not found`);
      const reply = queues[route].shift() ?? 'accept';
      if (reply === 'hang') return;
      if (reply !== 'accept') return sendProgrammed(response, reply);
      if (recorded.headers.authorization !== expectedAuthorization) return sendError(response, 401, 20003, 'Authenticate');
      if (route === 'account') {
        return sendJson(response, 200, { sid: accountSid, friendly_name: 'Stand-in account', status: 'active', type: 'Full', uri: `/2010-04-01/Accounts/${accountSid}.json` });
      }
      const created = createMessage(recorded, accountSid, messages.length + 1);
      if ('error' in created) return sendError(response, 400, created.error, created.message);
      messages.push(created);
      sendJson(response, 201, created);
    });
  });
  const port = await listenOnLoopback(server);
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    accountSid,
    authToken,
    received,
    messages,
    program: (route, ...replies) => void queues[route].push(...replies),
    failNext: (n, reply, route = 'messages') => void queues[route].push(...Array.from({ length: n }, () => reply)),
    close: () => closeHttpServer(server),
  };
}

function routeOf(method: string, path: string, accountSid: string): TwilioRoute | 'unknown' {
  if (method === 'POST' && path === `/2010-04-01/Accounts/${accountSid}/Messages.json`) return 'messages';
  if (method === 'GET' && path === `/2010-04-01/Accounts/${accountSid}.json`) return 'account';
  return 'unknown';
}

function createMessage(recorded: RecordedRequest, accountSid: string, index: number): TwilioMessageResource | { readonly error: number; readonly message: string } {
  const form = (typeof recorded.body === 'object' && recorded.body !== null ? recorded.body : {}) as Record<string, string | undefined>;
  const { To: to, From: from, MessagingServiceSid: serviceSid, Body: body } = form;
  if (to === undefined || to === '') return { error: 21604, message: "A 'To' phone number is required." };
  if (!e164.test(to)) return { error: 21211, message: `Invalid 'To' Phone Number: ${to}` };
  if ((from === undefined || from === '') && (serviceSid === undefined || serviceSid === '')) return { error: 21603, message: "A 'From' phone number is required." };
  if (body === undefined || body === '') return { error: 21602, message: 'Message body is required.' };
  if (body.length > 1_600) return { error: 21617, message: 'The concatenated message body exceeds the 1600 character limit.' };
  const sid = `SM${index.toString(16).padStart(32, '0')}`;
  const now = new Date().toUTCString().replace('GMT', '+0000');
  return {
    sid,
    account_sid: accountSid,
    messaging_service_sid: serviceSid ?? null,
    to,
    from: serviceSid === undefined ? (from ?? null) : null,
    body,
    status: serviceSid === undefined ? 'queued' : 'accepted',
    num_segments: String(countSmsSegments(body).segments),
    num_media: '0',
    direction: 'outbound-api',
    api_version: '2010-04-01',
    date_created: now,
    date_updated: now,
    date_sent: null,
    error_code: null,
    error_message: null,
    price: null,
    price_unit: 'USD',
    uri: `/2010-04-01/Accounts/${accountSid}/Messages/${sid}.json`,
  };
}

function sendProgrammed(response: ServerResponse, reply: Exclude<TwilioReply, 'accept' | 'hang'>): void {
  if (reply.retryAfterSeconds !== undefined) response.setHeader('retry-after', String(reply.retryAfterSeconds));
  if ('code' in reply) return sendError(response, reply.status, reply.code, reply.message ?? `Stand-in error ${reply.code}`);
  response.writeHead(reply.status, { 'content-type': 'text/plain' }).end(reply.body ?? '');
}

function sendError(response: ServerResponse, status: number, code: number, message: string): void {
  sendJson(response, status, { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status });
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
}
