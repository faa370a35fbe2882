import { Type, type Static } from 'typebox';

const Clock = Type.String({ pattern: '^([01]\\d|2[0-3]):[0-5]\\d$', description: 'HH:MM, 24-hour' });
const Days = Type.Array(Type.Integer({ minimum: 0, maximum: 6 }), { minItems: 1, maxItems: 7, description: '0 = Sunday … 6 = Saturday: the days a window opens' });

/**
 * Someone's working hours: days and a daily window in their time zone. An `end` earlier than `start`
 * (22:00–06:00) is a window past midnight, closing the next day; `start` equal to `end` is refused.
 */
export const WorkingHoursSchema = Type.Object(
  {
    timezone: Type.String({ minLength: 1, description: 'IANA zone, e.g. Europe/Berlin' }),
    start: Clock,
    end: Clock,
    days: Days,
  },
  { additionalProperties: false },
);
export type WorkingHours = Static<typeof WorkingHoursSchema>;

/** Minutes per urgency level. */
const PerUrgency = (defaults: { CRITICAL: number; HIGH: number; MEDIUM: number; LOW: number }) =>
  Type.Object(
    {
      CRITICAL: Type.Integer({ minimum: 0, default: defaults.CRITICAL }),
      HIGH: Type.Integer({ minimum: 0, default: defaults.HIGH }),
      MEDIUM: Type.Integer({ minimum: 0, default: defaults.MEDIUM }),
      LOW: Type.Integer({ minimum: 0, default: defaults.LOW }),
    },
    { additionalProperties: false, default: {} },
  );

/**
 * When meetings for alerts are held (the meetings.choose_time action, docs/chainsync.md): within a
 * deadline per urgency (CRITICAL within the hour …), inside every attendee's working hours.
 */
export const SchedulingConfigSchema = Type.Object(
  {
    /** Everyone's hours unless `people` names theirs. */
    working_hours: Type.Object(WorkingHoursSchema.properties, {
      additionalProperties: false,
      default: { timezone: 'UTC', start: '09:00', end: '17:00', days: [1, 2, 3, 4, 5] },
    }),
    /** Working hours by attendee (an email address, as meeting_context lists them). */
    people: Type.Record(Type.String(), WorkingHoursSchema, { default: {} }),
    /** The meeting starts at least this long from now (minutes). */
    notice_minutes: PerUrgency({ CRITICAL: 15, HIGH: 30, MEDIUM: 60, LOW: 120 }),
    /** …and no later than this (minutes): seed 000's recommended response times. */
    deadline_minutes: PerUrgency({ CRITICAL: 60, HIGH: 240, MEDIUM: 1_440, LOW: 10_080 }),
    /** Start times are rounded up to a multiple of this many minutes. */
    slot_minutes: Type.Integer({ default: 15, minimum: 1, maximum: 60 }),
  },
  { additionalProperties: false, default: {} },
);

export type SchedulingConfig = Static<typeof SchedulingConfigSchema>;
