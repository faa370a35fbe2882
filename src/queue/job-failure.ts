import { coerceError } from '../core/coerce-error.js';

/** A failed attempt, as a handler returns it (an expected outcome, not an exception). */
export interface JobFailure {
  readonly kind: 'failed';
  readonly code: string;
  readonly message: string;
  /** Retry no sooner than this; wins over the retry policy's delay (still subject to retryability and attempts). */
  readonly retryAfterMs?: number | undefined;
}

export function jobFailed(code: string, message: string, options: { readonly retryAfterMs?: number } = {}): JobFailure {
  return { kind: 'failed', code, message, retryAfterMs: options.retryAfterMs };
}

/** The same failure, thrown from deep inside a handler. */
export class JobFailedError extends Error {
  readonly code: string;
  readonly retryAfterMs: number | undefined;

  constructor(code: string, message: string, options: { readonly retryAfterMs?: number; readonly cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'JobFailedError';
    this.code = code;
    this.retryAfterMs = options.retryAfterMs;
  }
}

/** Turns anything a handler threw into a JobFailure: a JobFailedError keeps its code; an error's string `code` is kept; else `handler_error`. */
export function failureFromThrown(thrown: unknown): JobFailure {
  const error = coerceError(thrown);
  if (error instanceof JobFailedError) return jobFailed(error.code, error.message, error.retryAfterMs === undefined ? {} : { retryAfterMs: error.retryAfterMs });
  const code = (error as { code?: unknown }).code;
  return jobFailed(typeof code === 'string' && code !== '' ? code : 'handler_error', error.message);
}
