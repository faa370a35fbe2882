/**
 * How a timestamp header counts time. `auto` reads seconds, but takes a value above 1e12 as
 * milliseconds (1e12 s is the year 33658; 1e12 ms is 2001), for senders that send `Date.now()`.
 */
export type TimestampUnit = 'seconds' | 'milliseconds' | 'auto';

const DIGITS = /^\d{1,16}$/;

/** Parses a decimal Unix time into seconds (possibly fractional), or undefined when it is not one. */
export function parseUnixTimestamp(text: string, unit: TimestampUnit): number | undefined {
  if (!DIGITS.test(text)) return undefined;
  const value = Number(text);
  if (unit === 'milliseconds' || (unit === 'auto' && value > 1e12)) return value / 1000;
  return value;
}
