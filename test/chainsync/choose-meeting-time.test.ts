import { describe, expect, it } from 'vitest';
import { chooseMeetingTime } from '../../src/chainsync/choose-meeting-time.js';
import { loadConfig } from '../../src/config/load-config.js';
import type { SchedulingConfig } from '../../src/config/scheduling-config-schema.js';

const scheduling = (overrides: Record<string, unknown> = {}): SchedulingConfig => loadConfig({ env: {}, overrides: { scheduling: overrides } }).scheduling;
/** Wednesday 2025-11-26. */
const at = (time: string) => Date.parse(`2025-11-26T${time}Z`);

describe('chooseMeetingTime', () => {
  it('holds a CRITICAL meeting within the hour, on the 15-minute grid, inside working hours', () => {
    const time = chooseMeetingTime({ urgency: 'CRITICAL', attendees: ['devops@company.com'], durationMinutes: 60, nowMs: at('10:32:00'), scheduling: scheduling() });
    expect(time).toEqual({ scheduled_time: '2025-11-26T11:00:00.000Z', deadline: '2025-11-26T11:32:00.000Z', within_working_hours: true, within_deadline: true });
  });

  it('keeps each urgency inside its deadline: HIGH within 4 hours, MEDIUM within a day, LOW within a week', () => {
    expect(chooseMeetingTime({ urgency: 'HIGH', attendees: [], durationMinutes: 45, nowMs: at('10:00:00'), scheduling: scheduling() }).scheduled_time).toBe('2025-11-26T10:30:00.000Z');
    // 16:30 + 1 h notice is after 17:00: MEDIUM goes to the next working morning, inside its 24 h.
    const medium = chooseMeetingTime({ urgency: 'MEDIUM', attendees: [], durationMinutes: 30, nowMs: at('16:30:00'), scheduling: scheduling() });
    expect(medium).toMatchObject({ scheduled_time: '2025-11-27T09:00:00.000Z', within_deadline: true, within_working_hours: true });
    const low = chooseMeetingTime({ urgency: 'LOW', attendees: [], durationMinutes: 15, nowMs: at('16:50:00'), scheduling: scheduling() });
    expect(low).toMatchObject({ scheduled_time: '2025-11-27T09:00:00.000Z', within_deadline: true });
  });

  it('finds a slot inside every attendee\'s hours, each in their own zone', () => {
    const config = scheduling({
      people: {
        'berlin@company.com': { timezone: 'Europe/Berlin', start: '09:00', end: '18:00', days: [1, 2, 3, 4, 5] },
        'nyc@company.com': { timezone: 'America/New_York', start: '09:00', end: '17:00', days: [1, 2, 3, 4, 5] },
      },
    });
    // 08:00 UTC: Berlin is at work (09:00), New York not until 14:00 UTC; Berlin stops at 17:00 UTC.
    const time = chooseMeetingTime({ urgency: 'HIGH', attendees: ['berlin@company.com', 'nyc@company.com'], durationMinutes: 45, nowMs: at('08:00:00'), scheduling: config });
    expect(time).toMatchObject({ scheduled_time: '2025-11-26T14:00:00.000Z', within_working_hours: true, within_deadline: false });
  });

  it('does not make a CRITICAL incident wait for office hours', () => {
    const night = chooseMeetingTime({ urgency: 'CRITICAL', attendees: ['sre@company.com'], durationMinutes: 60, nowMs: at('02:05:00'), scheduling: scheduling() });
    expect(night).toEqual({ scheduled_time: '2025-11-26T02:30:00.000Z', deadline: '2025-11-26T03:05:00.000Z', within_working_hours: false, within_deadline: true });
    // Saturday: a HIGH alert waits for Monday morning instead.
    const saturday = chooseMeetingTime({ urgency: 'HIGH', attendees: [], durationMinutes: 45, nowMs: Date.parse('2025-11-29T12:00:00Z'), scheduling: scheduling() });
    expect(saturday).toMatchObject({ scheduled_time: '2025-12-01T09:00:00.000Z', within_working_hours: true, within_deadline: false });
  });

  describe('working hours past midnight (a night team, 22:00–06:00)', () => {
    const night = { timezone: 'UTC', start: '22:00', end: '06:00', days: [1, 2, 3, 4, 5] };
    const config = scheduling({ working_hours: night });

    it('holds the meeting in the evening part of the window, across midnight', () => {
      // Wednesday 20:00: HIGH's earliest start is 20:30, before the window opens at 22:00.
      expect(chooseMeetingTime({ urgency: 'HIGH', attendees: [], durationMinutes: 45, nowMs: at('20:00:00'), scheduling: config })).toEqual({
        scheduled_time: '2025-11-26T22:00:00.000Z',
        deadline: '2025-11-27T00:00:00.000Z',
        within_working_hours: true,
        within_deadline: true,
      });
      // 23:30 for an hour ends at 00:30 the next day, still inside the window.
      expect(chooseMeetingTime({ urgency: 'CRITICAL', attendees: [], durationMinutes: 60, nowMs: at('23:05:00'), scheduling: config })).toMatchObject({
        scheduled_time: '2025-11-26T23:30:00.000Z',
        within_working_hours: true,
      });
    });

    it('holds it in the small hours of the window that opened the evening before', () => {
      // Wednesday 01:00 is in Tuesday's window.
      expect(chooseMeetingTime({ urgency: 'HIGH', attendees: [], durationMinutes: 45, nowMs: at('01:00:00'), scheduling: config })).toMatchObject({
        scheduled_time: '2025-11-26T01:30:00.000Z',
        within_working_hours: true,
        within_deadline: true,
      });
      // Saturday 01:00 is in Friday's window; Sunday 01:00 would be in Saturday's, which is not worked.
      expect(chooseMeetingTime({ urgency: 'HIGH', attendees: [], durationMinutes: 30, nowMs: Date.parse('2025-11-29T01:00:00Z'), scheduling: config })).toMatchObject({
        scheduled_time: '2025-11-29T01:30:00.000Z',
        within_working_hours: true,
      });
      expect(chooseMeetingTime({ urgency: 'HIGH', attendees: [], durationMinutes: 30, nowMs: Date.parse('2025-11-30T01:00:00Z'), scheduling: config })).toMatchObject({
        scheduled_time: '2025-12-01T22:00:00.000Z',
        within_working_hours: true,
        within_deadline: false,
      });
    });

    it('the whole meeting must end by the window\'s end, and nothing outside the window fits', () => {
      // Wednesday 04:50: HIGH's earliest start is 05:30; 30 minutes end at 06:00, 45 would end after it.
      const fitting = chooseMeetingTime({ urgency: 'HIGH', attendees: [], durationMinutes: 30, nowMs: at('04:50:00'), scheduling: config });
      expect(fitting).toMatchObject({ scheduled_time: '2025-11-26T05:30:00.000Z', within_working_hours: true, within_deadline: true });
      const tooLong = chooseMeetingTime({ urgency: 'HIGH', attendees: [], durationMinutes: 45, nowMs: at('04:50:00'), scheduling: config });
      expect(tooLong).toMatchObject({ scheduled_time: '2025-11-26T22:00:00.000Z', within_working_hours: true, within_deadline: false });
      // Midday is outside the window.
      expect(chooseMeetingTime({ urgency: 'CRITICAL', attendees: [], durationMinutes: 60, nowMs: at('12:00:00'), scheduling: config })).toMatchObject({
        scheduled_time: '2025-11-26T12:15:00.000Z',
        within_working_hours: false,
      });
    });

    it('meets a day team and a night team in their own zones where their windows overlap', () => {
      const teams = scheduling({
        people: {
          'day@company.com': { timezone: 'Europe/Berlin', start: '07:00', end: '15:00', days: [1, 2, 3, 4, 5] },
          // 22:00–06:00 in New York is 03:00–11:00 UTC in November.
          'night@company.com': { timezone: 'America/New_York', start: '22:00', end: '06:00', days: [0, 1, 2, 3, 4] },
        },
      });
      // Berlin opens at 06:00 UTC, New York's night closes at 11:00 UTC.
      expect(chooseMeetingTime({ urgency: 'HIGH', attendees: ['day@company.com', 'night@company.com'], durationMinutes: 45, nowMs: at('04:00:00'), scheduling: teams })).toMatchObject({
        scheduled_time: '2025-11-26T06:00:00.000Z',
        within_working_hours: true,
      });
      expect(chooseMeetingTime({ urgency: 'HIGH', attendees: ['day@company.com', 'night@company.com'], durationMinutes: 45, nowMs: at('10:30:00'), scheduling: teams })).toMatchObject({
        scheduled_time: '2025-11-27T06:00:00.000Z',
        within_working_hours: true,
        within_deadline: false,
      });
    });

    it('the config refuses a window that starts when it ends', () => {
      expect(() => scheduling({ working_hours: { ...night, end: '22:00' } })).toThrow(
        'scheduling.working_hours: start and end are both 22:00, a window of no length (a window past midnight ends earlier than it starts, e.g. 22:00–06:00)',
      );
      expect(() => scheduling({ people: { 'x@company.com': { ...night, start: '06:00' } } })).toThrow('scheduling.people.x@company.com: start and end are both 06:00');
    });
  });
});
