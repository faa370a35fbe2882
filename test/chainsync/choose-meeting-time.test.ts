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
});
