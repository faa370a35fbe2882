import type { FailureDisposition } from '../store/jobs/fail-job.js';

/** How a queue retries, as data. `maxAttempts` is what enqueuers write into a job's max_attempts; the row is authoritative once written. */
export interface RetryPolicy {
  readonly maxAttempts: number;
  /** Delay cap before jitter for attempt 1; doubles each attempt. */
  readonly baseDelayMs: number;
  /** The cap no delay exceeds. */
  readonly maxDelayMs: number;
  /** Error codes that go straight to dead letters. */
  readonly nonRetryableCodes?: readonly string[];
  /** Decides retryability when set (after nonRetryableCodes); every code is retryable otherwise. */
  readonly retryable?: (code: string) => boolean;
}

export const defaultRetryPolicy: RetryPolicy = { maxAttempts: 5, baseDelayMs: 1_000, maxDelayMs: 5 * 60_000 };

/**
 * The delay before retrying after failed attempt `attempt` (1-based): exponential backoff with full
 * jitter, `random() * min(maxDelayMs, baseDelayMs * 2^(attempt-1))`. `random` returns [0, 1).
 */
export function nextDelayMs(policy: RetryPolicy, attempt: number, random: () => number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random() * ceiling);
}

export function isRetryable(policy: RetryPolicy, code: string): boolean {
  if (policy.nonRetryableCodes?.includes(code) === true) return false;
  return policy.retryable?.(code) ?? true;
}

/**
 * What to do after attempt `attempt` of `maxAttempts` failed with `code`: dead when the code is not
 * retryable or attempts are used up; otherwise retry after `retryAfterMs` when the handler asked for
 * one (it wins over the policy), else after the policy's jittered delay.
 */
export function decideFailure(
  policy: RetryPolicy,
  failure: { readonly attempt: number; readonly maxAttempts: number; readonly code: string; readonly retryAfterMs?: number | undefined },
  random: () => number,
  nowMs: number,
): FailureDisposition {
  if (!isRetryable(policy, failure.code) || failure.attempt >= failure.maxAttempts) return 'dead';
  const delay = failure.retryAfterMs !== undefined ? Math.max(0, failure.retryAfterMs) : nextDelayMs(policy, failure.attempt, random);
  return { retryAtMs: nowMs + delay };
}
