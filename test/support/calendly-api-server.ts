import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type Server, type ServerResponse } from 'node:http';
import { calendlyScheme } from '../../src/ingress/verify/calendly.js';
import { closeHttpServer } from '../delivery/support/listen-on-loopback.js';
import { readRecordedRequest, type RecordedRequest } from '../delivery/support/recorded-request.js';

/** The API routes the stand-in serves (the booking pages `/d/<id>` are not programmable). */
export type CalendlyRoute = 'users.me' | 'event_types' | 'scheduling_links';

/**
 * One programmed answer, used by the next request to a route instead of the normal one:
 * - `'hang'`: never answer (until `down()` or `close()`), for timeouts;
 * - `{ status, title?, message?, retryAfterSeconds? }`: Calendly's error JSON `{title, message}`
 *   with that status (titles and messages default to Calendly's own for 400/401/403/404/429/5xx);
 *   `retryAfterSeconds` adds `Retry-After` (a 429 always has it, default 60) and `X-RateLimit-Reset`;
 * - `{ status, body }`: that status with that raw body, e.g. `{ status: 502, body: '<html>…' }`.
 */
export type CalendlyReply =
  | 'hang'
  | { readonly status: number; readonly title?: string; readonly message?: string; readonly retryAfterSeconds?: number }
  | { readonly status: number; readonly body: string; readonly retryAfterSeconds?: number };

export interface CalendlyEventTypeSeed {
  readonly name: string;
  /** Default: the name in kebab case. */
  readonly slug?: string;
  /** Minutes, default 30. */
  readonly duration?: number;
  /** Default true. */
  readonly active?: boolean;
}

export interface CalendlyUserSeed {
  /** The personal access token (or OAuth token) this user's calls carry. */
  readonly token: string;
  readonly name?: string;
  readonly email?: string;
  readonly slug?: string;
  readonly timezone?: string;
  /** Default: one active "30 Minute Meeting". */
  readonly eventTypes?: readonly CalendlyEventTypeSeed[];
}

export interface CalendlyStandInEventType {
  readonly uri: string;
  readonly name: string;
  readonly slug: string;
  readonly duration: number;
  active: boolean;
  readonly schedulingUrl: string;
}

export interface CalendlyStandInUser {
  readonly uri: string;
  readonly token: string;
  readonly name: string;
  readonly email: string;
  readonly slug: string;
  readonly timezone: string;
  readonly schedulingUrl: string;
  /** In creation order; `addEventType` appends, and setting `active` is seen by the next request. */
  readonly eventTypes: CalendlyStandInEventType[];
}

/** A link made by `POST /scheduling_links`. */
export interface CalendlySchedulingLinkRecord {
  readonly id: string;
  /** `<url>/d/<id>`. */
  readonly bookingUrl: string;
  readonly owner: string;
  readonly ownerType: 'EventType';
  readonly maxEventCount: number;
  /** The URI of the user whose token created it. */
  readonly createdBy: string;
  /** Bookings made through `book()`; the link is used up at `maxEventCount`. */
  bookings: number;
}

/** UTM parameters as Calendly reports them on an invitee (null when the booking URL had none). */
export interface CalendlyTracking {
  readonly utm_source: string | null;
  readonly utm_medium: string | null;
  readonly utm_campaign: string | null;
  readonly utm_content: string | null;
  readonly utm_term: string | null;
  readonly salesforce_uuid: string | null;
}

/** What `calendlyWebhook` needs to describe one invitee of one scheduled event; everything but email and name has a default. */
export interface CalendlyInviteeFields {
  readonly email: string;
  readonly name: string;
  /** The API root the URIs are built on. Default `https://api.calendly.com`. */
  readonly apiUrl?: string;
  /** Last segment of the scheduled event's URI. Default: a random UUID. */
  readonly scheduledEventId?: string;
  /** Last segment of the invitee's URI. Default: a random UUID. */
  readonly inviteeId?: string;
  /** Default `30 Minute Meeting`. */
  readonly eventName?: string;
  readonly eventTypeUri?: string;
  /** ISO 8601; defaults: tomorrow 15:00 UTC, and 30 minutes after the start. */
  readonly startTime?: string;
  readonly endTime?: string;
  readonly timezone?: string;
  /** The organizer (the webhook's `created_by` and the event's membership). */
  readonly organizerUri?: string;
  readonly organizerName?: string;
  readonly organizerEmail?: string;
  readonly tracking?: Partial<CalendlyTracking>;
  readonly textReminderNumber?: string | null;
  /** For `invitee.canceled`: who canceled and why (defaults: the invitee, no reason). */
  readonly cancellation?: { readonly canceledBy?: string; readonly reason?: string | null; readonly cancelerType?: 'invitee' | 'host' };
  /** When the webhook was created and signed (ms). Default: now. */
  readonly nowMs?: number;
}

export interface CalendlyRecordedRequest extends RecordedRequest {
  readonly route: CalendlyRoute | 'booking_page' | 'unknown';
}

export interface CalendlyApiServerOptions {
  /** Listen on this port instead of a free one (an examples runner pins it). */
  readonly port?: number;
  /** Users to create at start. Default: none (add them with `addUser`). */
  readonly users?: readonly CalendlyUserSeed[];
}

export interface CalendlyApiServer {
  /** The API root (`base_url`): `http://127.0.0.1:<port>`. */
  readonly url: string;
  readonly port: number;
  /** Every request, in arrival order, with its parsed body. */
  readonly received: CalendlyRecordedRequest[];
  /** Every scheduling link created, in order. */
  readonly links: CalendlySchedulingLinkRecord[];
  addUser(seed: CalendlyUserSeed): CalendlyStandInUser;
  addEventType(token: string, seed: CalendlyEventTypeSeed): CalendlyStandInEventType;
  /** The user a token belongs to. */
  userByToken(token: string): CalendlyStandInUser | undefined;
  /** Queues answers for the next requests to `route`, in order; afterwards it answers normally again. */
  program(route: CalendlyRoute, ...replies: CalendlyReply[]): void;
  /** The next `n` API requests (to `route`, or to any route) get `reply`; a number is that status with Calendly's error body. */
  failNext(n: number, reply: number | CalendlyReply, route?: CalendlyRoute): void;
  /** Stops listening and drops every connection: calls fail with ECONNREFUSED until `up()`. */
  down(): Promise<void>;
  /** Listens again on the same port. */
  up(): Promise<void>;
  /**
   * Books a link as an invitee would (the URL may carry `utm_*` parameters, as Calendly's do) and
   * returns the invitee's fields for `calendlyWebhook`. Throws for an unknown or used-up link.
   */
  book(bookingUrl: string, invitee: { readonly email: string; readonly name: string; readonly startTime?: string; readonly timezone?: string }): CalendlyInviteeFields;
  close(): Promise<void>;
}

const errorTexts: Record<number, { readonly title: string; readonly message: string }> = {
  400: { title: 'Invalid Argument', message: 'The supplied parameters are invalid.' },
  401: { title: 'Unauthenticated', message: 'The access token is invalid' },
  403: { title: 'Permission Denied', message: 'You do not have permission to access this resource.' },
  404: { title: 'Resource Not Found', message: 'The server could not find the requested resource.' },
  429: { title: 'Too Many Requests', message: 'You have exceeded the rate limit. Please try again later.' },
  500: { title: 'Internal Server Error', message: 'The server encountered an unexpected condition that prevented it from fulfilling the request.' },
};

/**
 * A local stand-in for Calendly's API v2 on 127.0.0.1, holding users and event types in memory,
 * each user reached by its own Bearer token (401 `Unauthenticated` otherwise):
 * - `GET /users/me` → `{resource: {uri, name, slug, email, scheduling_url, timezone, …}}`;
 * - `GET /event_types?user=<uri>[&active=true][&count=n][&page_token=…]` → `{collection, pagination}`
 *   (400 without `user`, 403 for another user's URI; `count` 1–100, default 20, with page tokens);
 * - `POST /scheduling_links` `{max_event_count: 1, owner: <event type uri>, owner_type: "EventType"}`
 *   → 201 `{resource: {booking_url: "<url>/d/<id>", owner, owner_type}}` (400 for other values or an
 *   inactive event type, 404 for an unknown owner, 403 for another user's);
 * - `GET /d/<id>`: the booking page, 200 while the link has bookings left, 410 once used, else 404.
 */
export async function startCalendlyApiServer(options: CalendlyApiServerOptions = {}): Promise<CalendlyApiServer> {
  const received: CalendlyRecordedRequest[] = [];
  const links: CalendlySchedulingLinkRecord[] = [];
  const users: CalendlyStandInUser[] = [];
  const queues: Record<CalendlyRoute | 'any', CalendlyReply[]> = { 'users.me': [], event_types: [], scheduling_links: [], any: [] };
  let url = '';
  let nextId = 0;
  const newId = (prefix: string): string => `${prefix}${String((nextId += 1)).padStart(16 - prefix.length, '0')}`;

  const handle = (recorded: RecordedRequest, response: ServerResponse): void => {
    const route = routeOf(recorded.method, recorded.path);
    received.push({ ...recorded, route });
    if (route === 'unknown') return sendError(response, 404);
    if (route === 'booking_page') return answerBookingPage(response, links.find((link) => `/d/${link.id}` === recorded.path));
    const reply = queues[route].shift() ?? queues.any.shift();
    if (reply === 'hang') return;
    if (reply !== undefined) return sendProgrammed(response, reply);
    const user = users.find((candidate) => `Bearer ${candidate.token}` === recorded.headers.authorization);
    if (user === undefined) return sendError(response, 401);
    if (route === 'users.me') return sendJson(response, 200, { resource: userResource(user, url) });
    if (route === 'event_types') return answerEventTypes(response, recorded, user, url);
    const created = createLink(recorded.body, user, users, url, randomLinkId());
    if ('status' in created) return sendError(response, created.status, created.message);
    links.push(created);
    sendJson(response, 201, { resource: { booking_url: created.bookingUrl, owner: created.owner, owner_type: created.ownerType } });
  };

  const server = createServer((request, response) => void readRecordedRequest(request).then((recorded) => handle(recorded, response)));
  const port = await listen(server, options.port ?? 0);
  url = `http://127.0.0.1:${port}`;

  const addEventType = (token: string, seed: CalendlyEventTypeSeed): CalendlyStandInEventType => {
    const user = users.find((candidate) => candidate.token === token);
    if (user === undefined) throw new Error(`no stand-in Calendly user has token ${token}`);
    const slug = seed.slug ?? kebab(seed.name);
    const eventType = { uri: `${url}/event_types/${newId('ET')}`, name: seed.name, slug, duration: seed.duration ?? 30, active: seed.active ?? true, schedulingUrl: `${url}/${user.slug}/${slug}` };
    user.eventTypes.push(eventType);
    return eventType;
  };
  const addUser = (seed: CalendlyUserSeed): CalendlyStandInUser => {
    if (users.some((user) => user.token === seed.token)) throw new Error(`a stand-in Calendly user already has token ${seed.token}`);
    const name = seed.name ?? `User ${users.length + 1}`;
    const slug = seed.slug ?? kebab(name);
    const user = { uri: `${url}/users/${newId('US')}`, token: seed.token, name, email: seed.email ?? `${slug}@example.com`, slug, timezone: seed.timezone ?? 'UTC', schedulingUrl: `${url}/${slug}`, eventTypes: [] };
    users.push(user);
    for (const eventType of seed.eventTypes ?? [{ name: '30 Minute Meeting' }]) addEventType(seed.token, eventType);
    return user;
  };
  for (const seed of options.users ?? []) addUser(seed);

  return {
    url,
    port,
    received,
    links,
    addUser,
    addEventType,
    userByToken: (token) => users.find((user) => user.token === token),
    program: (route, ...replies) => void queues[route].push(...replies),
    failNext: (n, reply, route) => void queues[route ?? 'any'].push(...Array.from({ length: n }, () => (typeof reply === 'number' ? { status: reply } : reply))),
    down: () => closeHttpServer(server),
    up: async () => void (await listen(server, port)),
    book: (bookingUrl, invitee) => bookLink(links, users, url, bookingUrl, invitee),
    close: () => (server.listening ? closeHttpServer(server) : Promise.resolve()),
  };
}

/** A signed Calendly webhook delivery (`invitee.created` or `invitee.canceled`), as Calendly posts it. */
export function calendlyWebhook(
  kind: 'invitee.created' | 'invitee.canceled',
  fields: CalendlyInviteeFields,
  signingKey: string,
): { readonly body: string; readonly headers: Record<string, string> } {
  const nowMs = fields.nowMs ?? Date.now();
  const now = new Date(nowMs).toISOString().replace('Z', '000Z');
  const api = fields.apiUrl ?? 'https://api.calendly.com';
  const eventUri = `${api}/scheduled_events/${fields.scheduledEventId ?? randomUUID()}`;
  const organizerUri = fields.organizerUri ?? `${api}/users/AAAAAAAAAAAAAAAA`;
  const start = fields.startTime ?? new Date(Math.floor(nowMs / 86_400_000) * 86_400_000 + 86_400_000 + 15 * 3_600_000).toISOString();
  const end = fields.endTime ?? new Date(Date.parse(start) + 30 * 60_000).toISOString();
  const canceled = kind === 'invitee.canceled';
  const status = canceled ? 'canceled' : 'active';
  const tracking: CalendlyTracking = { utm_source: null, utm_medium: null, utm_campaign: null, utm_content: null, utm_term: null, salesforce_uuid: null, ...fields.tracking };
  const token = randomBytes(8).toString('hex').toUpperCase();
  const payload = {
    cancel_url: `https://calendly.com/cancellations/${token}`,
    created_at: now,
    email: fields.email,
    event: eventUri,
    first_name: null,
    last_name: null,
    name: fields.name,
    new_invitee: null,
    old_invitee: null,
    questions_and_answers: [],
    reschedule_url: `https://calendly.com/reschedulings/${token}`,
    rescheduled: false,
    status,
    text_reminder_number: fields.textReminderNumber ?? null,
    timezone: fields.timezone ?? 'UTC',
    tracking,
    updated_at: now,
    uri: `${eventUri}/invitees/${fields.inviteeId ?? randomUUID()}`,
    canceled,
    ...(canceled
      ? { cancellation: { canceled_by: fields.cancellation?.canceledBy ?? fields.name, reason: fields.cancellation?.reason ?? null, canceler_type: fields.cancellation?.cancelerType ?? 'invitee', created_at: now } }
      : {}),
    routing_form_submission: null,
    payment: null,
    no_show: null,
    reconfirmation: null,
    scheduling_method: null,
    invitee_scheduled_by: null,
    scheduled_event: {
      uri: eventUri,
      name: fields.eventName ?? '30 Minute Meeting',
      meeting_notes_plain: null,
      meeting_notes_html: null,
      status,
      start_time: start,
      end_time: end,
      event_type: fields.eventTypeUri ?? `${api}/event_types/BBBBBBBBBBBBBBBB`,
      location: { type: 'google_conference', status: 'pushed', join_url: 'https://meet.google.com/abc-defg-hij' },
      invitees_counter: { total: 1, active: canceled ? 0 : 1, limit: 1 },
      created_at: now,
      updated_at: now,
      event_memberships: [{ user: organizerUri, user_email: fields.organizerEmail ?? 'organizer@example.com', user_name: fields.organizerName ?? 'Organizer' }],
      event_guests: [],
    },
  };
  const body = JSON.stringify({ created_at: now, created_by: organizerUri, event: kind, payload });
  const signature = calendlyScheme.sign(Buffer.from(body), signingKey, { tolerance_seconds: 180 }, { url: '', messageId: '', nowMs });
  return { body, headers: { 'content-type': 'application/json; charset=utf-8', ...signature } };
}

function routeOf(method: string, path: string): CalendlyRecordedRequest['route'] {
  if (method === 'GET' && path === '/users/me') return 'users.me';
  if (method === 'GET' && path === '/event_types') return 'event_types';
  if (method === 'POST' && path === '/scheduling_links') return 'scheduling_links';
  if (method === 'GET' && /^\/d\/[^/]+$/.test(path)) return 'booking_page';
  return 'unknown';
}

function userResource(user: CalendlyStandInUser, url: string): Record<string, unknown> {
  return {
    uri: user.uri,
    name: user.name,
    slug: user.slug,
    email: user.email,
    scheduling_url: user.schedulingUrl,
    timezone: user.timezone,
    avatar_url: null,
    created_at: '2024-01-01T00:00:00.000000Z',
    updated_at: '2024-01-01T00:00:00.000000Z',
    current_organization: `${url}/organizations/ORG0000000000001`,
    resource_type: 'User',
    locale: 'en',
  };
}

function answerEventTypes(response: ServerResponse, recorded: RecordedRequest, user: CalendlyStandInUser, url: string): void {
  const { user: userUri, active, count: countText, page_token: pageToken } = recorded.query;
  if (userUri === undefined && recorded.query.organization === undefined) return sendError(response, 400, 'One of user or organization must be provided.');
  if (userUri !== user.uri) return sendError(response, 403);
  const count = countText === undefined ? 20 : Number(countText);
  if (!Number.isInteger(count) || count < 1 || count > 100) return sendError(response, 400, 'count must be an integer between 1 and 100.');
  const offset = pageToken === undefined ? 0 : Number(Buffer.from(pageToken, 'base64url').toString('utf8'));
  if (!Number.isInteger(offset) || offset < 0) return sendError(response, 400, 'page_token is invalid.');
  const matching = user.eventTypes.filter((eventType) => active === undefined || String(eventType.active) === active);
  const page = matching.slice(offset, offset + count);
  const pageUrl = (token: string): string => `${url}/event_types?${new URLSearchParams({ ...recorded.query, page_token: token }).toString()}`;
  const nextToken = offset + count < matching.length ? Buffer.from(String(offset + count)).toString('base64url') : null;
  const previousToken = offset > 0 ? Buffer.from(String(Math.max(0, offset - count))).toString('base64url') : null;
  sendJson(response, 200, {
    collection: page.map((eventType) => eventTypeResource(eventType, user)),
    pagination: {
      count: page.length,
      next_page: nextToken === null ? null : pageUrl(nextToken),
      previous_page: previousToken === null ? null : pageUrl(previousToken),
      next_page_token: nextToken,
      previous_page_token: previousToken,
    },
  });
}

function eventTypeResource(eventType: CalendlyStandInEventType, user: CalendlyStandInUser): Record<string, unknown> {
  return {
    uri: eventType.uri,
    name: eventType.name,
    active: eventType.active,
    booking_method: 'instant',
    slug: eventType.slug,
    scheduling_url: eventType.schedulingUrl,
    duration: eventType.duration,
    kind: 'solo',
    pooling_type: null,
    type: 'StandardEventType',
    color: '#0069ff',
    created_at: '2024-01-01T00:00:00.000000Z',
    updated_at: '2024-01-01T00:00:00.000000Z',
    internal_note: null,
    description_plain: null,
    description_html: null,
    profile: { type: 'User', name: user.name, owner: user.uri },
    secret: false,
    deleted_at: null,
    admin_managed: false,
    custom_questions: [],
  };
}

function createLink(body: unknown, user: CalendlyStandInUser, users: readonly CalendlyStandInUser[], url: string, id: string): CalendlySchedulingLinkRecord | { readonly status: number; readonly message?: string } {
  const fields = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  if (fields.max_event_count !== 1) return { status: 400, message: 'max_event_count must be 1.' };
  if (fields.owner_type !== 'EventType') return { status: 400, message: 'owner_type must be EventType.' };
  if (typeof fields.owner !== 'string') return { status: 400, message: 'owner is required.' };
  const ownerUri = fields.owner;
  const owner = users.find((candidate) => candidate.eventTypes.some((eventType) => eventType.uri === ownerUri));
  if (owner === undefined) return { status: 404 };
  if (owner !== user) return { status: 403 };
  if (owner.eventTypes.find((eventType) => eventType.uri === ownerUri)?.active !== true) return { status: 400, message: 'The event type is inactive.' };
  return { id, bookingUrl: `${url}/d/${id}`, owner: ownerUri, ownerType: 'EventType', maxEventCount: 1, createdBy: user.uri, bookings: 0 };
}

function bookLink(
  links: readonly CalendlySchedulingLinkRecord[],
  users: readonly CalendlyStandInUser[],
  url: string,
  bookingUrl: string,
  invitee: { readonly email: string; readonly name: string; readonly startTime?: string; readonly timezone?: string },
): CalendlyInviteeFields {
  const parsed = new URL(bookingUrl);
  const link = links.find((candidate) => candidate.bookingUrl === `${parsed.origin}${parsed.pathname}`);
  if (link === undefined) throw new Error(`no stand-in Calendly link ${bookingUrl}`);
  if (link.bookings >= link.maxEventCount) throw new Error(`the stand-in Calendly link ${bookingUrl} is used up`);
  link.bookings += 1;
  const organizer = users.find((user) => user.uri === link.createdBy);
  const eventType = organizer?.eventTypes.find((candidate) => candidate.uri === link.owner);
  const param = (name: string): string | null => parsed.searchParams.get(name);
  const start = invitee.startTime ?? new Date(Date.now() + 86_400_000).toISOString();
  // One booking is one scheduled event with one invitee: its created and canceled webhooks name both.
  return {
    email: invitee.email,
    name: invitee.name,
    apiUrl: url,
    scheduledEventId: randomUUID(),
    inviteeId: randomUUID(),
    eventName: eventType?.name ?? 'Meeting',
    eventTypeUri: link.owner,
    startTime: start,
    endTime: new Date(Date.parse(start) + (eventType?.duration ?? 30) * 60_000).toISOString(),
    ...(invitee.timezone === undefined ? {} : { timezone: invitee.timezone }),
    organizerUri: link.createdBy,
    ...(organizer === undefined ? {} : { organizerName: organizer.name, organizerEmail: organizer.email }),
    tracking: { utm_source: param('utm_source'), utm_medium: param('utm_medium'), utm_campaign: param('utm_campaign'), utm_content: param('utm_content'), utm_term: param('utm_term'), salesforce_uuid: param('salesforce_uuid') },
  };
}

function answerBookingPage(response: ServerResponse, link: CalendlySchedulingLinkRecord | undefined): void {
  if (link === undefined) return void response.writeHead(404, { 'content-type': 'text/html' }).end('<h1>Page not found</h1>');
  if (link.bookings >= link.maxEventCount) return void response.writeHead(410, { 'content-type': 'text/html' }).end('<h1>This link is no longer valid</h1>');
  response.writeHead(200, { 'content-type': 'text/html' }).end(`<h1>Book a time</h1><p>${link.owner}</p>`);
}

function sendProgrammed(response: ServerResponse, reply: Exclude<CalendlyReply, 'hang'>): void {
  const retryAfter = reply.retryAfterSeconds ?? (reply.status === 429 ? 60 : undefined);
  if (retryAfter !== undefined) response.setHeader('retry-after', String(retryAfter)).setHeader('x-ratelimit-reset', String(retryAfter));
  if ('body' in reply) return void response.writeHead(reply.status, { 'content-type': 'text/html' }).end(reply.body);
  sendError(response, reply.status, reply.message, reply.title);
}

function sendError(response: ServerResponse, status: number, message?: string, title?: string): void {
  const texts = errorTexts[status] ?? errorTexts[status >= 500 ? 500 : 400] ?? { title: 'Error', message: 'Error' };
  sendJson(response, status, { title: title ?? texts.title, message: message ?? texts.message });
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
}

function kebab(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
}

/** Calendly's single-use link ids look like `cjx-h4b-9fq`. */
function randomLinkId(): string {
  const alphabet = 'abcdefghjkmnpqrstvwxyz23456789';
  const chars = [...randomBytes(9)].map((byte) => alphabet[byte % alphabet.length]).join('');
  return `${chars.slice(0, 3)}-${chars.slice(3, 6)}-${chars.slice(6)}`;
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
