import { httpStatusFailure } from './http-status-failure.js';
import type { SendFailure } from './send-failure.js';

/**
 * Twilio error codes that are retryable whatever their HTTP status; every other code follows the
 * status rule of `httpStatusFailure` (400 21211 invalid To, 21610 unsubscribed, 21614 not a
 * mobile number, 401 20003 bad credentials… are permanent; 429 and 5xx are retryable).
 */
const retryableTwilioCodes: ReadonlySet<number> = new Set([
  20429, // too many requests
  20500, // internal server error
  20503, // service unavailable
  21611, // the sender's queue of outgoing messages is full
]);

/** The failure a non-2xx answer of Twilio's REST API is, from its error JSON `{code, message, more_info, status}`. */
export function twilioErrorFailure(statusCode: number, bodyText: string, retryAfterMs: number | undefined): SendFailure {
  const error = parseTwilioError(bodyText);
  if (error === undefined) return httpStatusFailure(statusCode, bodyText.replace(/\s+/g, ' ').trim().slice(0, 200), retryAfterMs);
  const base = httpStatusFailure(statusCode, '', retryAfterMs);
  const retryable = base.retryable || retryableTwilioCodes.has(error.code);
  return {
    ...base,
    retryable,
    code: `twilio_${error.code}`,
    message: `Twilio HTTP ${statusCode}, error ${error.code}${error.message === '' ? '' : `: ${error.message}`} (${retryable ? 'retryable' : 'permanent'})`,
  };
}

function parseTwilioError(bodyText: string): { readonly code: number; readonly message: string } | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(bodyText);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const { code, message } = parsed as { code?: unknown; message?: unknown };
  if (typeof code !== 'number' || !Number.isInteger(code)) return undefined;
  return { code, message: typeof message === 'string' ? message.slice(0, 300) : '' };
}
