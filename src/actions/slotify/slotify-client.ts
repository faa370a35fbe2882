import { callJsonService, type JsonService } from '../service-client/call-json-service.js';
import { ServiceError } from '../service-client/service-error.js';
import { readSlotifyMeeting, readSlotifyMeetings, type SlotifyMeeting } from './slotify-meeting.js';

export type { SlotifyMeeting } from './slotify-meeting.js';

/** A meeting Slotify has just created: it always has its link (the seed hands it to ChainSync). */
export type CreatedSlotifyMeeting = SlotifyMeeting & { readonly meeting_url: string };

/** Per call: the run step's idempotency key (sent as `Idempotency-Key`) and an optional abort signal. */
export interface SlotifyCall {
  readonly idempotencyKey: string;
  readonly signal?: AbortSignal | undefined;
}

/** The seed's `create_meeting(title, description, scheduled_time, duration_minutes, attendees, alert_reference)`. */
export interface NewSlotifyMeeting {
  readonly title: string;
  readonly description?: string | undefined;
  /** ISO 8601. */
  readonly scheduled_time: string;
  readonly duration_minutes: number;
  readonly attendees: readonly string[];
  readonly alert_reference?: string | undefined;
}

/** The fields `updateMeeting` may change; absent ones are left as they are. */
export interface SlotifyMeetingChanges {
  readonly title?: string | undefined;
  readonly description?: string | undefined;
  readonly scheduled_time?: string | undefined;
  readonly duration_minutes?: number | undefined;
  readonly attendees?: readonly string[] | undefined;
  readonly status?: string | undefined;
}

export interface SlotifyMeetingFilter {
  readonly alert_reference?: string | undefined;
  readonly status?: string | undefined;
  readonly limit?: number | undefined;
}

/**
 * Slotify's meetings API (the contract is documented on test/support/slotify-api-server.ts). Every
 * method throws `ServiceError`: the call's failure, or `invalid_response` when a 2xx answer holds
 * no meeting (a created one also needs its link).
 */
export interface SlotifyClient {
  /** `POST /meetings`: 201 with the meeting, status `scheduled`. */
  createMeeting(meeting: NewSlotifyMeeting, call: SlotifyCall): Promise<CreatedSlotifyMeeting>;
  /** `GET /meetings/{id}`. */
  getMeeting(meetingId: string, call: SlotifyCall): Promise<SlotifyMeeting>;
  /** `PATCH /meetings/{id}` with only the given fields. */
  updateMeeting(meetingId: string, changes: SlotifyMeetingChanges, call: SlotifyCall): Promise<SlotifyMeeting>;
  /** `POST /meetings/{id}/cancel` with `{reason?}`: the meeting, status `cancelled`. */
  cancelMeeting(meetingId: string, reason: string | undefined, call: SlotifyCall): Promise<SlotifyMeeting>;
  /** `GET /meetings?alert_reference=&status=&limit=`. */
  listMeetings(filter: SlotifyMeetingFilter, call: SlotifyCall): Promise<SlotifyMeeting[]>;
}

/** A Slotify client over `service` (built with `createApiKeyService('slotify', settings)` or given by a test). */
export function createSlotifyClient(service: JsonService): SlotifyClient {
  const meetingPath = (meetingId: string) => `/meetings/${encodeURIComponent(meetingId)}`;

  async function meetingCall(request: Parameters<typeof callJsonService>[1]): Promise<SlotifyMeeting> {
    const response = await callJsonService(service, request);
    const meeting = readSlotifyMeeting(response.body);
    if (meeting === undefined) throw invalidResponse(`${request.method} ${request.path}: HTTP ${response.status} answer holds no meeting with an id`, response.status);
    return meeting;
  }

  return {
    async createMeeting(meeting, call) {
      const body = {
        title: meeting.title,
        ...(meeting.description === undefined ? {} : { description: meeting.description }),
        scheduled_time: meeting.scheduled_time,
        duration_minutes: meeting.duration_minutes,
        attendees: meeting.attendees,
        ...(meeting.alert_reference === undefined ? {} : { alert_reference: meeting.alert_reference }),
      };
      const created = await meetingCall({ method: 'POST', path: '/meetings', body, idempotencyKey: call.idempotencyKey, signal: call.signal });
      if (created.meeting_url === null) throw invalidResponse(`POST /meetings: meeting ${created.meeting_id} was answered without a meeting_url, url or join_url`, undefined);
      return { ...created, meeting_url: created.meeting_url };
    },

    getMeeting: (meetingId, call) => meetingCall({ method: 'GET', path: meetingPath(meetingId), idempotencyKey: call.idempotencyKey, signal: call.signal }),

    updateMeeting: (meetingId, changes, call) =>
      meetingCall({ method: 'PATCH', path: meetingPath(meetingId), body: definedFields(changes), idempotencyKey: call.idempotencyKey, signal: call.signal }),

    cancelMeeting: (meetingId, reason, call) =>
      meetingCall({ method: 'POST', path: `${meetingPath(meetingId)}/cancel`, body: reason === undefined ? {} : { reason }, idempotencyKey: call.idempotencyKey, signal: call.signal }),

    async listMeetings(filter, call) {
      const response = await callJsonService(service, { method: 'GET', path: '/meetings', query: { ...filter }, idempotencyKey: call.idempotencyKey, signal: call.signal });
      const meetings = readSlotifyMeetings(response.body);
      if (meetings === undefined) throw invalidResponse(`GET /meetings: HTTP ${response.status} answer holds no list of meetings with ids`, response.status);
      return meetings;
    },
  };

  function invalidResponse(message: string, statusCode: number | undefined): ServiceError {
    return new ServiceError({ service: service.name, code: 'invalid_response', retryable: false, message, statusCode });
  }
}

function definedFields(changes: SlotifyMeetingChanges): Record<string, unknown> {
  return Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined));
}
