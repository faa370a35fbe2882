import { inspect } from 'node:util';

/**
 * A secret (a token, a URL with a token in its path) carried inside a destination. It renders as
 * `[redacted]` through JSON, pino and `util.inspect`, so logging or storing a destination never
 * writes the secret; only `reveal()` returns it, at the point of sending.
 */
export interface SecretValue {
  reveal(): string;
  toJSON(): string;
  toString(): string;
}

const redacted = '[redacted]';

/** Wraps a secret so that only `reveal()` returns it. */
export function secretValue(value: string): SecretValue {
  return {
    reveal: () => value,
    toJSON: () => redacted,
    toString: () => redacted,
    [inspect.custom]: () => redacted,
  } as SecretValue;
}
