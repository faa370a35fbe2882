import { describe, expect, it } from 'vitest';
import { decideFailure, isRetryable, nextDelayMs, type RetryPolicy } from '../../src/queue/retry-policy.js';

const policy: RetryPolicy = { maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 1_000 };

describe('retry policy', () => {
  it('backs off exponentially with full jitter under a cap', () => {
    const almostOne = () => 0.999_999;
    expect([1, 2, 3, 4, 5, 6].map((attempt) => nextDelayMs(policy, attempt, almostOne))).toEqual([99, 199, 399, 799, 999, 999]);
    expect(nextDelayMs(policy, 3, () => 0)).toBe(0);
    expect(nextDelayMs(policy, 3, () => 0.5)).toBe(200);
  });

  it('treats listed codes and the predicate as non-retryable', () => {
    expect(isRetryable({ ...policy, nonRetryableCodes: ['invalid'] }, 'invalid')).toBe(false);
    expect(isRetryable({ ...policy, nonRetryableCodes: ['invalid'] }, 'timeout')).toBe(true);
    expect(isRetryable({ ...policy, retryable: (code) => code.startsWith('http_5') }, 'http_404')).toBe(false);
    expect(isRetryable({ ...policy, retryable: (code) => code.startsWith('http_5') }, 'http_503')).toBe(true);
  });

  it('retries at the jittered delay, honours retryAfter, and ends in dead', () => {
    const half = () => 0.5;
    expect(decideFailure(policy, { attempt: 2, maxAttempts: 5, code: 'timeout' }, half, 1_000)).toEqual({ retryAtMs: 1_100 });
    expect(decideFailure(policy, { attempt: 2, maxAttempts: 5, code: 'timeout', retryAfterMs: 30_000 }, half, 1_000)).toEqual({ retryAtMs: 31_000 });
    expect(decideFailure(policy, { attempt: 5, maxAttempts: 5, code: 'timeout', retryAfterMs: 10 }, half, 1_000)).toBe('dead');
    expect(decideFailure({ ...policy, nonRetryableCodes: ['invalid'] }, { attempt: 1, maxAttempts: 5, code: 'invalid' }, half, 1_000)).toBe('dead');
  });
});
