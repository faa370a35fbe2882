import { request } from 'undici';
import { attemptSignal } from './attempt-signal.js';
import { parseRetryAfter } from './parse-retry-after.js';
import { errorBodyLimits, readBodyPrefix } from './read-body-prefix.js';
import type { SendFailure } from './send-failure.js';
import { thrownSendFailure } from './thrown-send-failure.js';
import type { TwilioAccount } from './twilio-account.js';
import { twilioErrorFailure } from './twilio-error-failure.js';

/** A Message resource Twilio created (status `queued` or `accepted`). */
export interface TwilioAccepted {
  readonly kind: 'accepted';
  readonly sid: string;
  readonly statusCode: number;
}

/** Twilio's message resource is about 1 KB; a bigger answer is not one. */
const resourceLimits = { keepBytes: 65_536, drainBytes: 65_536 };

/**
 * One `POST /2010-04-01/Accounts/{sid}/Messages.json` (form-encoded To, From or
 * MessagingServiceSid, Body; HTTP Basic auth) under the caller's signal and the account's time
 * limit. Redirects are never followed; every body is read or dropped.
 */
export async function postTwilioMessage(account: TwilioAccount, to: string, body: string, signal: AbortSignal, nowMs: number): Promise<TwilioAccepted | SendFailure> {
  const attempt = attemptSignal(signal, account.timeoutMs);
  const form = new URLSearchParams({ To: to, [account.sender.field]: account.sender.value, Body: body });
  try {
    const response = await request(`${account.baseUrl}/2010-04-01/Accounts/${encodeURIComponent(account.accountSid)}/Messages.json`, {
      method: 'POST',
      headers: { authorization: account.authorization, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: form.toString(),
      dispatcher: account.dispatcher,
      signal: attempt.signal,
    });
    const ok = response.statusCode >= 200 && response.statusCode < 300;
    const { text } = await readBodyPrefix(response.body, ok ? resourceLimits : errorBodyLimits);
    if (!ok) return twilioErrorFailure(response.statusCode, text, parseRetryAfter(response.headers['retry-after'], nowMs));
    return { kind: 'accepted', sid: readSid(text), statusCode: response.statusCode };
  } catch (thrown) {
    return thrownSendFailure(thrown, attempt);
  }
}

/**
 * The `sid` of the created resource. A 2xx means Twilio accepted the part, so an unreadable answer
 * still counts as sent (as `unknown`): failing it would send the part again on the next attempt.
 */
function readSid(text: string): string {
  try {
    const sid = (JSON.parse(text) as { sid?: unknown }).sid;
    return typeof sid === 'string' && sid !== '' ? sid : 'unknown';
  } catch {
    return 'unknown';
  }
}
