import type { SchedulingConfig, WorkingHours } from './scheduling-config-schema.js';

/**
 * What the schema cannot say about `scheduling`: a window whose `start` equals its `end` has no
 * length and would match no meeting (an `end` earlier than `start` is a window past midnight). One
 * line per offending key.
 */
export function schedulingProblems(scheduling: SchedulingConfig): string[] {
  const windows: Array<readonly [string, WorkingHours]> = [
    ['scheduling.working_hours', scheduling.working_hours],
    ...Object.entries(scheduling.people).map(([person, hours]) => [`scheduling.people.${person}`, hours] as const),
  ];
  return windows.flatMap(([key, hours]) =>
    hours.start === hours.end ? [`${key}: start and end are both ${hours.start}, a window of no length (a window past midnight ends earlier than it starts, e.g. 22:00–06:00)`] : [],
  );
}
