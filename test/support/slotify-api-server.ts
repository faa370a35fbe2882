import type { RecordedRequest } from '../delivery/support/recorded-request.js';
import { isMainModule, runStandInFromCommandLine, startJsonApiStandIn, type JsonApiStandIn, type StandInReply } from './json-api-stand-in.js';

/** A meeting as the stand-in keeps it. */
export interface StandInMeeting {
  readonly id: string;
  readonly meeting_url: string;
  title: string;
  description: string | null;
  scheduled_time: string;
  duration_minutes: number;
  attendees: string[];
  alert_reference: string | null;
  status: string;
  cancel_reason: string | null;
  readonly created_at: string;
  updated_at: string;
}

/**
 * How answers are shaped, to exercise a client's lenient parsing: the meeting at the top level
 * (`none`, default) or wrapped in `{meeting: …}` / `{data: …}` (lists: `{meetings: […]}` /
 * `{data: […]}`); the id as `id` (default) or `meeting_id`; the link as `meeting_url` (default),
 * `url` or `join_url`.
 */
export interface SlotifyAnswerShape {
  readonly envelope?: 'none' | 'meeting' | 'data';
  readonly idField?: 'id' | 'meeting_id';
  readonly urlField?: 'meeting_url' | 'url' | 'join_url';
}

export interface SlotifyApiServerOptions {
  /** Default `slotify-test-key`. */
  readonly apiKey?: string;
  /** Default 0 (a free port); a fixed port for an examples runner. */
  readonly port?: number;
  /** Default `127.0.0.1`. */
  readonly host?: string;
  readonly shape?: SlotifyAnswerShape;
}

export interface SlotifyApiServer extends JsonApiStandIn {
  /** Meetings by id, in creation order. */
  readonly meetings: ReadonlyMap<string, StandInMeeting>;
  /** Changes how later answers are shaped. */
  setShape(shape: SlotifyAnswerShape): void;
}

/**
 * A local stand-in for Slotify's meetings API (the contract Switchboard's `slotify.*` actions
 * speak; Slotify's own API is not public). All bodies are JSON. Auth: `Authorization: Bearer
 * <key>` or `X-API-Key: <key>`, else 401. Errors are `{error: {code, message}}`.
 * - `POST /meetings` `{title, description?, scheduled_time (ISO 8601), duration_minutes,
 *   attendees?: string[], alert_reference?}` → 201 the meeting: `{id: "slotify-meeting-<n>",
 *   meeting_url: "<url>/m/<id>", status: "scheduled", title, description, scheduled_time,
 *   duration_minutes, attendees, alert_reference, cancel_reason, created_at, updated_at}`; 422
 *   `validation_failed` for a bad field.
 * - `GET /meetings/{id}` → 200 the meeting; 404 `meeting_not_found`.
 * - `PATCH /meetings/{id}` with any of `title, description, scheduled_time, duration_minutes,
 *   attendees, status` → 200 the changed meeting.
 * - `POST /meetings/{id}/cancel` `{reason?}` → 200 the meeting with status `cancelled` (again: unchanged).
 * - `GET /meetings?alert_reference=&status=&limit=` (limit 1–100, default 50) → 200
 *   `{meetings: […]}` in creation order.
 * Mutating requests with the same `Idempotency-Key` (same method and path) get the first answer
 * again and change nothing; faults (`down`, `failNext`, `rateLimit`, `hang`) are those of
 * `startJsonApiStandIn`. Run it as a process with `tsx test/support/slotify-api-server.ts --port 9101`.
 */
export async function startSlotifyApiServer(options: SlotifyApiServerOptions = {}): Promise<SlotifyApiServer> {
  const meetings = new Map<string, StandInMeeting>();
  let shape: SlotifyAnswerShape = options.shape ?? {};
  const view = (meeting: StandInMeeting) => shapeMeeting(meeting, shape);
  const one = (status: number, meeting: StandInMeeting): StandInReply => ({ status, body: envelope(view(meeting), shape, 'one') });

  const standIn = await startJsonApiStandIn({
    name: 'slotify stand-in',
    apiKey: options.apiKey ?? 'slotify-test-key',
    port: options.port,
    host: options.host,
    route(request, url) {
      const segments = request.path.split('/').filter((segment) => segment !== '').map(decodeURIComponent);
      if (segments[0] !== 'meetings' || segments.length > 3) return notFound(`no route ${request.method} ${request.path}`);
      if (segments.length === 1 && request.method === 'POST') {
        const fields = readFields(request.body, true);
        if (typeof fields === 'string') return invalid(fields);
        const id = `slotify-meeting-${meetings.size + 1}`;
        const now = new Date().toISOString();
        const meeting: StandInMeeting = {
          id,
          meeting_url: `${url}/m/${id}`,
          title: fields.title ?? '',
          description: fields.description ?? null,
          scheduled_time: fields.scheduled_time ?? now,
          duration_minutes: fields.duration_minutes ?? 30,
          attendees: fields.attendees ?? [],
          alert_reference: fields.alert_reference ?? null,
          status: 'scheduled',
          cancel_reason: null,
          created_at: now,
          updated_at: now,
        };
        meetings.set(id, meeting);
        return one(201, meeting);
      }
      if (segments.length === 1 && request.method === 'GET') return listMeetings(meetings, request, shape);
      const meeting = meetings.get(segments[1] ?? '');
      if (meeting === undefined) return segments.length === 1 ? methodNotAllowed() : { status: 404, body: errorBody('meeting_not_found', `no meeting ${segments[1] ?? ''}`) };
      if (segments.length === 3) {
        if (segments[2] !== 'cancel') return notFound(`no route ${request.method} ${request.path}`);
        if (request.method !== 'POST') return methodNotAllowed();
        const reason = (request.body as { reason?: unknown } | undefined)?.reason;
        if (reason !== undefined && typeof reason !== 'string') return invalid('reason must be a string');
        if (meeting.status !== 'cancelled') Object.assign(meeting, { status: 'cancelled', cancel_reason: reason ?? null, updated_at: new Date().toISOString() });
        return one(200, meeting);
      }
      if (request.method === 'GET') return one(200, meeting);
      if (request.method !== 'PATCH') return methodNotAllowed();
      const changes = readFields(request.body, false);
      if (typeof changes === 'string') return invalid(changes);
      Object.assign(meeting, definedFields(changes), { updated_at: new Date().toISOString() });
      return one(200, meeting);
    },
  });
  return { ...standIn, meetings, setShape: (next) => void (shape = next) };
}

interface MeetingFields {
  title?: string;
  description?: string;
  scheduled_time?: string;
  duration_minutes?: number;
  attendees?: string[];
  alert_reference?: string;
  status?: string;
}

/** The known fields of a create (`required`: title, scheduled_time and duration_minutes) or patch body, or what is wrong with it. */
function readFields(body: unknown, required: boolean): MeetingFields | string {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return 'the body must be a JSON object';
  const input = body as Record<string, unknown>;
  const fields: MeetingFields = {};
  if (input.title !== undefined || required) {
    if (typeof input.title !== 'string' || input.title.trim() === '') return 'title must be a non-empty string';
    fields.title = input.title;
  }
  if (input.scheduled_time !== undefined || required) {
    if (typeof input.scheduled_time !== 'string' || Number.isNaN(Date.parse(input.scheduled_time))) return 'scheduled_time must be an ISO 8601 date and time';
    fields.scheduled_time = input.scheduled_time;
  }
  if (input.duration_minutes !== undefined || required) {
    if (typeof input.duration_minutes !== 'number' || !Number.isInteger(input.duration_minutes) || input.duration_minutes < 1) return 'duration_minutes must be a positive integer';
    fields.duration_minutes = input.duration_minutes;
  }
  if (input.attendees !== undefined) {
    if (!Array.isArray(input.attendees) || !input.attendees.every((attendee) => typeof attendee === 'string')) return 'attendees must be an array of strings';
    fields.attendees = input.attendees as string[];
  }
  const texts: Array<'description' | 'alert_reference' | 'status'> = required ? ['description', 'alert_reference'] : ['description', 'alert_reference', 'status'];
  for (const name of texts) {
    const value = input[name];
    if (value === undefined) continue;
    if (typeof value !== 'string') return `${name} must be a string`;
    fields[name] = value;
  }
  return fields;
}

function listMeetings(meetings: ReadonlyMap<string, StandInMeeting>, request: RecordedRequest, shape: SlotifyAnswerShape): StandInReply {
  const limit = request.query.limit === undefined ? 50 : Number(request.query.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) return { status: 400, body: errorBody('validation_failed', 'limit must be an integer from 1 to 100') };
  const { alert_reference: alertReference, status } = request.query;
  const matching = [...meetings.values()].filter((meeting) => (alertReference === undefined || meeting.alert_reference === alertReference) && (status === undefined || meeting.status === status));
  return { status: 200, body: envelope(matching.slice(0, limit).map((meeting) => shapeMeeting(meeting, shape)), shape, 'list') };
}

function shapeMeeting(meeting: StandInMeeting, shape: SlotifyAnswerShape): Record<string, unknown> {
  const { id, meeting_url: meetingUrl, ...rest } = meeting;
  return { [shape.idField ?? 'id']: id, [shape.urlField ?? 'meeting_url']: meetingUrl, ...rest };
}

function envelope(body: unknown, shape: SlotifyAnswerShape, kind: 'one' | 'list'): unknown {
  if (shape.envelope === 'data') return { data: body };
  if (kind === 'list') return { meetings: body };
  return shape.envelope === 'meeting' ? { meeting: body } : body;
}

function definedFields(fields: MeetingFields): Partial<StandInMeeting> {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
}

const errorBody = (code: string, message: string) => ({ error: { code, message } });
const invalid = (message: string): StandInReply => ({ status: 422, body: errorBody('validation_failed', message) });
const notFound = (message: string): StandInReply => ({ status: 404, body: errorBody('not_found', message) });
const methodNotAllowed = (): StandInReply => ({ status: 405, body: errorBody('method_not_allowed', 'method not allowed') });

if (isMainModule(import.meta.url)) await runStandInFromCommandLine('slotify', startSlotifyApiServer);
