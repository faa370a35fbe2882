import { createServer, type ServerResponse } from 'node:http';
import { closeHttpServer, listenOnLoopback } from './listen-on-loopback.js';
import { readRecordedRequest, type RecordedRequest } from './recorded-request.js';

/** What the stand-in serves: two Web API methods and incoming webhooks (`/services/T…/B…/…`). */
export type SlackRoute = 'chat.postMessage' | 'auth.test' | 'webhook';

/**
 * One programmed answer, used by the next request to its route instead of the normal one:
 * - `'accept'`: the normal answer (validation included), e.g. to let one request through first;
 * - `'hang'`: never answer (the request stays open until `close()`), for timeouts;
 * - `{ error }`: a Web API route answers `{ok:false, error}` with HTTP `status` (default 200);
 *   a webhook answers the error as text with `status` (default 400), e.g. `{ status: 410, error: 'channel_is_archived' }`;
 * - `{ status, body? }`: that status with that body (default empty);
 * - `retryAfterSeconds` on either adds a `Retry-After` header, e.g. `{ status: 429, error: 'ratelimited', retryAfterSeconds: 3 }`.
 */
export type SlackReply =
  | 'accept'
  | 'hang'
  | { readonly error: string; readonly status?: number; readonly retryAfterSeconds?: number }
  | { readonly status: number; readonly body?: string; readonly retryAfterSeconds?: number };

export interface SlackRecordedRequest extends RecordedRequest {
  /** The route the request matched; `unknown` ones are answered 404. */
  readonly route: SlackRoute | 'unknown';
}

export interface SlackApiServerOptions {
  /** Bot tokens the Web API accepts. Default `['xoxb-test-token']`. */
  readonly tokens?: readonly string[];
}

export interface SlackApiServer {
  /** The Web API root (`base_url`): `http://127.0.0.1:<port>`. */
  readonly url: string;
  readonly port: number;
  /** The first accepted token. */
  readonly token: string;
  /** An incoming-webhook URL it serves: `<url>/services/T000/B000/XXXX` (any `/services/<team>/<bot>/<secret>` path works). */
  readonly webhookUrl: string;
  /** Every request, in arrival order, with its parsed body (JSON or form fields). */
  readonly received: SlackRecordedRequest[];
  /** Queues answers for the next requests to `route`, in order; afterwards the route answers normally again. */
  program(route: SlackRoute, ...replies: SlackReply[]): void;
  /** Queues the same answer for the next `n` requests to `route` (default `chat.postMessage`). */
  failNext(n: number, reply: SlackReply, route?: SlackRoute): void;
  /** Stops listening and ends every connection, unanswered ones included. */
  close(): Promise<void>;
}

/**
 * A local stand-in for Slack on 127.0.0.1 (port 0), speaking the parts of the protocol
 * Switchboard uses:
 * - `POST /api/chat.postMessage` and `POST /api/auth.test`, with a JSON or form-encoded body, the
 *   token in `Authorization: Bearer` (or a form's `token` field): `not_authed` without one,
 *   `invalid_auth` for an unknown one. chat.postMessage checks `channel` (`channel_not_found`),
 *   `text` or `blocks` (`no_text`), readable `blocks` (`invalid_blocks`) and 40,000 characters
 *   (`msg_too_long`), and answers `{ok, channel, ts, message}`; a member id (U…/W…) as the
 *   channel answers a DM channel id (D…), as Slack does.
 * - Incoming webhooks `POST /services/<team>/<bot>/<secret>` with a JSON payload: `ok` as text,
 *   `400 invalid_payload` for a body that is not JSON, `400 no_text` without text or blocks; any
 *   other method gets `400 invalid_payload` too (which a health check may use to see it answers).
 */
export async function startSlackApiServer(options: SlackApiServerOptions = {}): Promise<SlackApiServer> {
  const tokens = options.tokens ?? ['xoxb-test-token'];
  const received: SlackRecordedRequest[] = [];
  const queues: Record<SlackRoute, SlackReply[]> = { 'chat.postMessage': [], 'auth.test': [], webhook: [] };
  let posted = 0;

  const server = createServer((request, response) => {
    void readRecordedRequest(request).then((recorded) => {
      const route = routeOf(recorded.method, recorded.path);
      received.push({ ...recorded, route });
      if (route === 'unknown') return sendText(response, 404, 'not_found');
      const reply = queues[route].shift() ?? 'accept';
      if (reply === 'hang') return;
      if (reply !== 'accept') return sendProgrammed(response, route, reply);
      if (route === 'webhook') return answerWebhook(response, recorded);
      const token = bearerToken(recorded);
      if (token === undefined) return sendJson(response, 200, { ok: false, error: 'not_authed' });
      if (!tokens.includes(token)) return sendJson(response, 200, { ok: false, error: 'invalid_auth' });
      if (route === 'auth.test') return sendJson(response, 200, { ok: true, url: 'https://stand-in.slack.com/', team: 'Stand-in', user: 'switchboard', team_id: 'T000', user_id: 'U0BOT', bot_id: 'B0BOT' });
      posted += 1;
      return answerPostMessage(response, recorded, posted);
    });
  });
  const port = await listenOnLoopback(server);
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    port,
    token: tokens[0] ?? '',
    webhookUrl: `${url}/services/T000/B000/XXXX`,
    received,
    program: (route, ...replies) => void queues[route].push(...replies),
    failNext: (n, reply, route = 'chat.postMessage') => void queues[route].push(...Array.from({ length: n }, () => reply)),
    close: () => closeHttpServer(server),
  };
}

function routeOf(method: string, path: string): SlackRoute | 'unknown' {
  if (/^\/services\/[^/]+\/[^/]+\/[^/]+$/.test(path)) return 'webhook';
  if (method === 'POST' && path === '/api/chat.postMessage') return 'chat.postMessage';
  if (method === 'POST' && path === '/api/auth.test') return 'auth.test';
  return 'unknown';
}

function bearerToken(recorded: RecordedRequest): string | undefined {
  const header = recorded.headers.authorization;
  if (header !== undefined) return /^Bearer (.+)$/.exec(header)?.[1];
  const formToken = (recorded.body as { token?: unknown } | undefined)?.token;
  return typeof formToken === 'string' ? formToken : undefined;
}

function answerPostMessage(response: ServerResponse, recorded: RecordedRequest, posted: number): void {
  const fields = (typeof recorded.body === 'object' && recorded.body !== null ? recorded.body : {}) as Record<string, unknown>;
  const channel = typeof fields.channel === 'string' ? fields.channel : '';
  if (channel === '') return sendJson(response, 200, { ok: false, error: 'channel_not_found' });
  let blocks = fields.blocks;
  if (typeof blocks === 'string') {
    try {
      blocks = JSON.parse(blocks) as unknown;
    } catch {
      return sendJson(response, 200, { ok: false, error: 'invalid_blocks' });
    }
  }
  if (blocks !== undefined && !Array.isArray(blocks)) return sendJson(response, 200, { ok: false, error: 'invalid_blocks' });
  const text = typeof fields.text === 'string' ? fields.text : '';
  if (text === '' && (blocks === undefined || blocks.length === 0)) return sendJson(response, 200, { ok: false, error: 'no_text' });
  if (text.length > 40_000) return sendJson(response, 200, { ok: false, error: 'msg_too_long' });
  const ts = `${1_700_000_000 + posted}.${String(posted).padStart(6, '0')}`;
  const channelId = /^[UW][A-Z0-9]+$/.test(channel) ? `D${channel.slice(1)}` : channel;
  const threadTs = typeof fields.thread_ts === 'string' ? fields.thread_ts : undefined;
  const message = { type: 'message', text, user: 'U0BOT', bot_id: 'B0BOT', ts, ...(blocks === undefined ? {} : { blocks }), ...(threadTs === undefined ? {} : { thread_ts: threadTs }) };
  sendJson(response, 200, { ok: true, channel: channelId, ts, message });
}

function answerWebhook(response: ServerResponse, recorded: RecordedRequest): void {
  if (recorded.method !== 'POST' || typeof recorded.body !== 'object' || recorded.body === null) return sendText(response, 400, 'invalid_payload');
  const { text, blocks } = recorded.body as { text?: unknown; blocks?: unknown };
  if ((typeof text !== 'string' || text === '') && !(Array.isArray(blocks) && blocks.length > 0)) return sendText(response, 400, 'no_text');
  sendText(response, 200, 'ok');
}

function sendProgrammed(response: ServerResponse, route: SlackRoute, reply: Exclude<SlackReply, 'accept' | 'hang'>): void {
  if (reply.retryAfterSeconds !== undefined) response.setHeader('retry-after', String(reply.retryAfterSeconds));
  if ('error' in reply) {
    if (route === 'webhook') return sendText(response, reply.status ?? 400, reply.error);
    return sendJson(response, reply.status ?? 200, { ok: false, error: reply.error });
  }
  sendText(response, reply.status, reply.body ?? '');
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
}

function sendText(response: ServerResponse, status: number, text: string): void {
  response.writeHead(status, { 'content-type': 'text/html' }).end(text);
}
