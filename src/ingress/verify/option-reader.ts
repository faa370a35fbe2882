import type { OptionsParseResult } from './verification-scheme.js';

/** The replay window every timestamped scheme uses unless `tolerance_seconds` says otherwise. */
const DEFAULT_TOLERANCE_SECONDS = 300;
const MAX_TOLERANCE_SECONDS = 7 * 24 * 3600;
const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/;

/**
 * Reads one scheme's registration options, collecting every problem instead of stopping at the
 * first. A key no reader method asked for is reported as unknown by `finish`. Messages name keys
 * and what was expected, never the value given (it might be a misplaced secret).
 */
export interface OptionReader {
  /** A string option, `fallback` when absent; `check` returns what is wrong with a value, if anything. */
  string(key: string, fallback: string, check?: (value: string) => string | undefined): string;
  optionalString(key: string, check?: (value: string) => string | undefined): string | undefined;
  oneOf<T extends string>(key: string, allowed: readonly T[], fallback: T): T;
  integer(key: string, min: number, max: number, fallback: number): number;
  /** `tolerance_seconds`: whole seconds, 1 s to 7 days, default 300. */
  toleranceSeconds(): number;
  /** An HTTP header name, returned in lower case; `fallback` undefined makes the option required. */
  headerName(key: string, fallback: string | undefined): string;
  optionalHeaderName(key: string): string | undefined;
  /** Records a problem that concerns several options together. */
  problem(message: string): void;
  finish<O>(options: O): OptionsParseResult<O>;
}

export function createOptionReader(schemeName: string, raw: Readonly<Record<string, unknown>>): OptionReader {
  const problems: string[] = [];
  const known = new Set<string>();
  const take = (key: string): unknown => {
    known.add(key);
    return Object.hasOwn(raw, key) ? raw[key] : undefined;
  };
  const optionalString = (key: string, check?: (value: string) => string | undefined): string | undefined => {
    const value = take(key);
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string') {
      problems.push(`option "${key}" must be a string`);
      return undefined;
    }
    const complaint = check?.(value);
    if (complaint !== undefined) {
      problems.push(`option "${key}" ${complaint}`);
      return undefined;
    }
    return value;
  };
  const checkHeaderName = (value: string): string | undefined =>
    HEADER_NAME.test(value) ? undefined : 'must be an HTTP header name (letters, digits and -, no spaces or colon)';

  const reader: OptionReader = {
    string: (key, fallback, check) => optionalString(key, check) ?? fallback,
    optionalString,
    oneOf: (key, allowed, fallback) => {
      const value = optionalString(key, (text) =>
        (allowed as readonly string[]).includes(text) ? undefined : `must be one of ${allowed.join(', ')}`,
      );
      return value === undefined ? fallback : (value as (typeof allowed)[number]);
    },
    integer: (key, min, max, fallback) => {
      const value = take(key);
      if (value === undefined || value === null) return fallback;
      if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
        problems.push(`option "${key}" must be a whole number from ${min} to ${max}`);
        return fallback;
      }
      return value;
    },
    toleranceSeconds: () => reader.integer('tolerance_seconds', 1, MAX_TOLERANCE_SECONDS, DEFAULT_TOLERANCE_SECONDS),
    headerName: (key, fallback) => {
      const present = raw[key] !== undefined && raw[key] !== null;
      const value = optionalString(key, checkHeaderName);
      if (value !== undefined) return value.toLowerCase();
      if (fallback === undefined && !present) problems.push(`option "${key}" is required`);
      return fallback ?? '';
    },
    optionalHeaderName: (key) => optionalString(key, checkHeaderName)?.toLowerCase(),
    problem: (message) => {
      problems.push(message);
    },
    finish: <O>(options: O): OptionsParseResult<O> => {
      for (const key of Object.keys(raw)) {
        if (!known.has(key)) {
          const allowed = known.size > 0 ? `allowed: ${[...known].join(', ')}` : 'it takes no options';
          problems.push(`unknown option "${key.slice(0, 64)}" (${allowed})`);
        }
      }
      if (problems.length === 0) return { ok: true, options };
      return { ok: false, message: `${schemeName}: ${problems.join('; ')}` };
    },
  };
  return reader;
}
