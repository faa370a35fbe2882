import type { SchedulingConfig, WorkingHours } from '../config/scheduling-config-schema.js';
import type { UrgencyLevel } from '../agents/builtin/triage.js';

export interface MeetingTime {
  /** ISO 8601, UTC. */
  readonly scheduled_time: string;
  /** The latest start the urgency allows. */
  readonly deadline: string;
  /** Whether the slot is inside every attendee's working hours. */
  readonly within_working_hours: boolean;
  /** Whether it starts by the deadline. */
  readonly within_deadline: boolean;
}

/** How far ahead a slot is looked for when nothing fits by the deadline. */
const SEARCH_DAYS = 14;
const MINUTES_PER_DAY = 24 * 60;

/** Local weekday (0 = Sunday) and minute of the day of `ms` in `timezone`. */
function localTime(ms: number, timezone: string): { readonly day: number; readonly minute: number } {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone: timezone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(new Date(ms));
  const get = (type: string) => parts.find((part) => part.type === type)?.value ?? '';
  const day = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'].indexOf(get('weekday'));
  return { day, minute: Number(get('hour')) * 60 + Number(get('minute')) };
}

const minutesOf = (clock: string): number => Number(clock.slice(0, 2)) * 60 + Number(clock.slice(3, 5));

/**
 * Whether a meeting from `startMs` for `durationMinutes` lies inside one of `hours`' windows. A window
 * opens at `start` on each of `days`; it closes at `end` the same day, or, when `end` is earlier
 * than `start` (22:00–06:00, a night team), at `end` the next day: 01:00 on a Saturday is in
 * Friday's window. The whole meeting must fit in one window.
 */
function fits(hours: WorkingHours, startMs: number, durationMinutes: number): boolean {
  const start = localTime(startMs, hours.timezone);
  const from = minutesOf(hours.start);
  const to = minutesOf(hours.end);
  const end = start.minute + durationMinutes;
  if (from < to) return hours.days.includes(start.day) && start.minute >= from && end <= to;
  if (from === to) return false;
  // Overnight: in the window that opened today, or in the small hours of the one that opened yesterday.
  if (start.minute >= from) return hours.days.includes(start.day) && end <= MINUTES_PER_DAY + to;
  return hours.days.includes((start.day + 6) % 7) && end <= to;
}

/**
 * When a meeting for an alert of `urgency` is held: the first start, on the slot grid, at least the
 * urgency's notice from now and inside every attendee's working hours (each in their own zone) by
 * the urgency's deadline (CRITICAL within the hour, HIGH within 4 hours, …). When no common working
 * slot comes by the deadline, a CRITICAL meeting is held at the earliest start anyway (an incident
 * does not wait for office hours) and any other at the first common working slot after it. Pure.
 */
export function chooseMeetingTime(args: {
  readonly urgency: UrgencyLevel;
  readonly attendees: readonly string[];
  readonly durationMinutes: number;
  readonly nowMs: number;
  readonly scheduling: SchedulingConfig;
}): MeetingTime {
  const { scheduling, urgency, durationMinutes } = args;
  const slotMs = scheduling.slot_minutes * 60_000;
  const earliest = Math.ceil((args.nowMs + scheduling.notice_minutes[urgency] * 60_000) / slotMs) * slotMs;
  const deadline = args.nowMs + scheduling.deadline_minutes[urgency] * 60_000;
  const hours = (args.attendees.length === 0 ? [undefined] : args.attendees).map((person) => (person === undefined ? undefined : scheduling.people[person]) ?? scheduling.working_hours);
  const everyoneWorks = (startMs: number) => hours.every((h) => fits(h, startMs, durationMinutes));
  const result = (startMs: number, within: boolean): MeetingTime => ({
    scheduled_time: new Date(startMs).toISOString(),
    deadline: new Date(deadline).toISOString(),
    within_working_hours: within,
    within_deadline: startMs <= deadline,
  });

  const last = earliest + SEARCH_DAYS * 86_400_000;
  let firstAfterDeadline: number | undefined;
  for (let start = earliest; start <= last; start += slotMs) {
    if (!everyoneWorks(start)) continue;
    if (start <= deadline) return result(start, true);
    firstAfterDeadline = start;
    break;
  }
  if (urgency === 'CRITICAL' || firstAfterDeadline === undefined) return result(earliest, everyoneWorks(earliest));
  return result(firstAfterDeadline, true);
}
