import type { SendOutcome } from './channel.js';

/**
 * The failure a non-2xx HTTP answer is, by the one rule every HTTP channel follows: 408, 429 and
 * 5xx are retryable; 3xx (redirects are never followed) and every other 4xx are permanent.
 * `detail` is a short excerpt of the response body for the delivery history.
 */
export function httpStatusFailure(statusCode: number, detail: string, retryAfterMs: number | undefined): Extract<SendOutcome, { kind: 'failed' }> {
  const retryable = statusCode === 408 || statusCode === 429 || statusCode >= 500;
  const what = statusCode >= 300 && statusCode < 400 ? 'redirect (not followed)' : retryable ? 'retryable error' : 'permanent error';
  return {
    kind: 'failed',
    retryable,
    code: `http_${statusCode}`,
    message: `HTTP ${statusCode} ${what}${detail === '' ? '' : `: ${detail}`}`,
    statusCode,
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  };
}
