import { Type, type Static, type TSchema } from 'typebox';
import { Value } from 'typebox/value';
import { callJsonService, type JsonService } from '../service-client/call-json-service.js';
import { ServiceError } from '../service-client/service-error.js';

/** The fields of Calendly's User resource this client reads (`GET /users/me`). */
export const CalendlyUserSchema = Type.Object({ uri: Type.String(), name: Type.String(), scheduling_url: Type.String() });
export type CalendlyUser = Static<typeof CalendlyUserSchema>;

/** The fields of an Event Type resource this client reads (`GET /event_types`). */
export const CalendlyEventTypeSchema = Type.Object({
  uri: Type.String(),
  name: Type.String(),
  active: Type.Boolean(),
  slug: Type.Union([Type.String(), Type.Null()]),
  scheduling_url: Type.String(),
  duration: Type.Number(),
});
export type CalendlyEventType = Static<typeof CalendlyEventTypeSchema>;

/** What `POST /scheduling_links` answers inside `resource`. */
export const CalendlySchedulingLinkSchema = Type.Object({ booking_url: Type.String({ pattern: '^https?://' }), owner: Type.String(), owner_type: Type.String() });
export type CalendlySchedulingLink = Static<typeof CalendlySchedulingLinkSchema>;

const UserAnswer = Type.Object({ resource: CalendlyUserSchema });
const EventTypesAnswer = Type.Object({
  collection: Type.Array(CalendlyEventTypeSchema),
  pagination: Type.Object({ next_page_token: Type.Optional(Type.Union([Type.String(), Type.Null()])) }),
});
const SchedulingLinkAnswer = Type.Object({ resource: CalendlySchedulingLinkSchema });

export interface CalendlyCallOptions {
  readonly signal?: AbortSignal | undefined;
}

/** Calendly's largest page; a user with more event types than `maxPages` pages is read only that far. */
const pageSize = 100;
const maxPages = 5;

/** `GET /users/me`: the user the token belongs to. Failures are `ServiceError`s (401 for a rejected token). */
export async function getCurrentUser(service: JsonService, token: string, options: CalendlyCallOptions = {}): Promise<CalendlyUser> {
  const answer = await callJsonService(service, { method: 'GET', path: '/users/me', headers: bearer(token), signal: options.signal });
  return readAnswer(service, 'GET /users/me', UserAnswer, answer.body).resource;
}

/** `GET /event_types?user=…`: the user's event types (only active ones unless `activeOnly` is false), following page tokens. */
export async function listEventTypes(service: JsonService, token: string, userUri: string, options: CalendlyCallOptions & { readonly activeOnly?: boolean } = {}): Promise<CalendlyEventType[]> {
  const eventTypes: CalendlyEventType[] = [];
  let pageToken: string | undefined;
  for (let page = 0; page < maxPages; page += 1) {
    const query = { user: userUri, active: options.activeOnly === false ? undefined : true, count: pageSize, page_token: pageToken };
    const answer = await callJsonService(service, { method: 'GET', path: '/event_types', query, headers: bearer(token), signal: options.signal });
    const { collection, pagination } = readAnswer(service, 'GET /event_types', EventTypesAnswer, answer.body);
    eventTypes.push(...collection);
    if (typeof pagination.next_page_token !== 'string' || pagination.next_page_token === '') break;
    pageToken = pagination.next_page_token;
  }
  return eventTypes;
}

/** `POST /scheduling_links`: a single-use link (`max_event_count: 1`) to book one event of the event type. */
export async function createSchedulingLink(
  service: JsonService,
  token: string,
  eventTypeUri: string,
  options: CalendlyCallOptions & { readonly idempotencyKey?: string | undefined } = {},
): Promise<CalendlySchedulingLink> {
  const answer = await callJsonService(service, {
    method: 'POST',
    path: '/scheduling_links',
    body: { max_event_count: 1, owner: eventTypeUri, owner_type: 'EventType' },
    headers: bearer(token),
    idempotencyKey: options.idempotencyKey,
    signal: options.signal,
  });
  return readAnswer(service, 'POST /scheduling_links', SchedulingLinkAnswer, answer.body).resource;
}

function bearer(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}

/** The answer's body as `schema` describes it, or a permanent `invalid_response` (Calendly changed its shape, or it is not Calendly). */
function readAnswer<S extends TSchema>(service: JsonService, what: string, schema: S, body: unknown): Static<S> {
  if (Value.Check(schema, body)) return body;
  throw new ServiceError({ service: service.name, code: 'invalid_response', retryable: false, message: `${what}: the answer does not have the expected fields` });
}
