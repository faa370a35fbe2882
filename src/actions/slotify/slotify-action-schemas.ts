import { Type, type Static } from 'typebox';
import { SlotifyMeetingSchema } from './slotify-meeting.js';

const MeetingId = Type.String({ minLength: 1 });
/** ISO 8601 with a time zone, e.g. `2025-11-26T15:00:00Z` (`$fromMillis($millis() + 3600000)` in a route). */
const ScheduledTime = Type.String({ format: 'date-time' });
const DurationMinutes = Type.Integer({ minimum: 1, maximum: 1_440 });
/** Email addresses or names, as Slotify takes them. */
const Attendees = Type.Array(Type.String({ minLength: 1 }), { maxItems: 500 });

export const CreateMeetingInputSchema = Type.Object({
  title: Type.String({ minLength: 1 }),
  description: Type.Optional(Type.String()),
  scheduled_time: ScheduledTime,
  duration_minutes: DurationMinutes,
  /** Default: none. */
  attendees: Type.Optional(Attendees),
  /** The alert the meeting is about (the seed passes the ChainSync alert id). */
  alert_reference: Type.Optional(Type.String({ minLength: 1 })),
  /**
   * The Idempotency-Key Slotify gets instead of the step's: e.g. `"alert:" & event.data.alert_id`, so
   * the same alert arriving twice (by two endpoints, say) still makes one meeting.
   */
  idempotency_key: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
});
export type CreateMeetingInput = Static<typeof CreateMeetingInputSchema>;

/** A created meeting always has its link. */
export const CreatedMeetingSchema = Type.Object({ ...SlotifyMeetingSchema.properties, meeting_url: Type.String({ minLength: 1 }) });

export const GetMeetingInputSchema = Type.Object({ meeting_id: MeetingId });
export type GetMeetingInput = Static<typeof GetMeetingInputSchema>;

export const UpdateMeetingInputSchema = Type.Object({
  meeting_id: MeetingId,
  title: Type.Optional(Type.String({ minLength: 1 })),
  description: Type.Optional(Type.String()),
  scheduled_time: Type.Optional(ScheduledTime),
  duration_minutes: Type.Optional(DurationMinutes),
  attendees: Type.Optional(Attendees),
  status: Type.Optional(Type.String({ minLength: 1 })),
});
export type UpdateMeetingInput = Static<typeof UpdateMeetingInputSchema>;

export const CancelMeetingInputSchema = Type.Object({ meeting_id: MeetingId, reason: Type.Optional(Type.String()) });
export type CancelMeetingInput = Static<typeof CancelMeetingInputSchema>;

export const ListMeetingsInputSchema = Type.Object({
  alert_reference: Type.Optional(Type.String({ minLength: 1 })),
  status: Type.Optional(Type.String({ minLength: 1 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
});
export type ListMeetingsInput = Static<typeof ListMeetingsInputSchema>;

export const ListMeetingsOutputSchema = Type.Object({ meetings: Type.Array(SlotifyMeetingSchema) });
