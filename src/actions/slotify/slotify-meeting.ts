import { Type, type Static } from 'typebox';

const NullableString = Type.Union([Type.String(), Type.Null()]);

/** A meeting as the Slotify actions output it, whatever shape the deployment answered in. */
export const SlotifyMeetingSchema = Type.Object({
  meeting_id: Type.String({ minLength: 1 }),
  meeting_url: NullableString,
  title: NullableString,
  description: NullableString,
  /** ISO 8601, as Slotify gave it. */
  scheduled_time: NullableString,
  duration_minutes: Type.Union([Type.Number(), Type.Null()]),
  attendees: Type.Array(Type.String()),
  alert_reference: NullableString,
  /** `scheduled`, `cancelled`… as Slotify gave it. */
  status: NullableString,
  /** The meeting object exactly as Slotify answered it (after unwrapping), for fields not normalised here. */
  raw: Type.Optional(Type.Unknown()),
});
export type SlotifyMeeting = Static<typeof SlotifyMeetingSchema>;

type Fields = Readonly<Record<string, unknown>>;

const isObject = (value: unknown): value is Fields => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The meeting's id: `id` or `meeting_id`, a string or a number. */
function meetingId(fields: Fields): string | undefined {
  for (const value of [fields.id, fields.meeting_id]) {
    if (typeof value === 'string' && value !== '') return value;
    if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  }
  return undefined;
}

/**
 * The meeting object inside an answer: the top level when it has an id, else inside `meeting` or
 * `data` (nested up to three levels: `{data: {meeting: …}}`). Undefined when there is none.
 */
function unwrapMeeting(body: unknown): Fields | undefined {
  let current = body;
  for (let depth = 0; depth < 4 && isObject(current); depth += 1) {
    if (meetingId(current) !== undefined) return current;
    current = isObject(current.meeting) ? current.meeting : current.data;
  }
  return undefined;
}

const text = (...values: unknown[]): string | null => values.find((value): value is string => typeof value === 'string' && value !== '') ?? null;

function minutes(value: unknown): number | null {
  const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof number === 'number' && Number.isFinite(number) ? number : null;
}

/** Attendees as strings: plain strings, or objects with an `email` (or `name`). */
function attendees(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  return value.map((entry: unknown) => (isObject(entry) ? text(entry.email, entry.name) : text(entry))).filter((entry): entry is string => entry !== null);
}

/**
 * Reads a meeting leniently: wrapped in `{meeting: …}` or `{data: …}` or not, the id as `id` or
 * `meeting_id`, the link as `meeting_url`, `url` or `join_url`. Undefined when no meeting with an
 * id is found (the caller's `invalid_response`).
 */
export function readSlotifyMeeting(body: unknown): SlotifyMeeting | undefined {
  const fields = unwrapMeeting(body);
  const id = fields === undefined ? undefined : meetingId(fields);
  if (fields === undefined || id === undefined) return undefined;
  return {
    meeting_id: id,
    meeting_url: text(fields.meeting_url, fields.url, fields.join_url),
    title: text(fields.title),
    description: text(fields.description),
    scheduled_time: text(fields.scheduled_time, fields.start_time, fields.starts_at),
    duration_minutes: minutes(fields.duration_minutes),
    attendees: attendees(fields.attendees),
    alert_reference: text(fields.alert_reference),
    status: text(fields.status),
    raw: fields,
  };
}

/**
 * Reads a list of meetings: a top-level array, or one under `meetings` or `data` (also
 * `{data: {meetings: […]}}`). Undefined when there is no list or an entry has no id.
 */
export function readSlotifyMeetings(body: unknown): SlotifyMeeting[] | undefined {
  let list: unknown = body;
  for (let depth = 0; depth < 3 && isObject(list); depth += 1) list = Array.isArray(list.meetings) ? list.meetings : list.data;
  if (!Array.isArray(list)) return undefined;
  const meetings: SlotifyMeeting[] = [];
  for (const entry of list) {
    const meeting = readSlotifyMeeting(entry);
    if (meeting === undefined) return undefined;
    meetings.push(meeting);
  }
  return meetings;
}
