import { request, type Dispatcher } from 'undici';
import { attemptSignal } from './attempt-signal.js';
import { httpStatusFailure } from './http-status-failure.js';
import { parseRetryAfter } from './parse-retry-after.js';
import { errorBodyLimits, readBodyPrefix } from './read-body-prefix.js';
import type { SecretValue } from './secret-value.js';
import type { SendFailure } from './send-failure.js';
import { readSlackErrorToken, slackApiErrorFailure } from './slack-error-codes.js';
import { thrownSendFailure } from './thrown-send-failure.js';

/** Where and how the Web API is called. */
export interface SlackApi {
  /** The Web API root without a trailing slash; methods are at `<baseUrl>/api/<method>`. */
  readonly baseUrl: string;
  readonly dispatcher: Dispatcher;
  readonly timeoutMs: number;
}

/** An `ok:true` answer. */
export interface SlackApiSuccess {
  readonly kind: 'ok';
  readonly statusCode: number;
  readonly body: Readonly<Record<string, unknown>>;
}

/** chat.postMessage echoes the message it posted (up to 40,000 characters of text plus its blocks). */
const successLimits = { keepBytes: 1_048_576, drainBytes: 1_048_576 };

/**
 * One Web API call: `POST <baseUrl>/api/<method>` with `Authorization: Bearer <token>` and a JSON
 * body. `ok:false` is classified by `slackErrorClasses`; a non-2xx status by the HTTP rule (429
 * with its Retry-After), keeping Slack's error word as the code when the body has one.
 */
export async function callSlackApi(api: SlackApi, method: string, token: SecretValue, payload: object, signal: AbortSignal, nowMs: number): Promise<SlackApiSuccess | SendFailure> {
  const attempt = attemptSignal(signal, api.timeoutMs);
  try {
    const response = await request(`${api.baseUrl}/api/${method}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token.reveal()}`, 'content-type': 'application/json; charset=utf-8', accept: 'application/json' },
      body: JSON.stringify(payload),
      dispatcher: api.dispatcher,
      signal: attempt.signal,
    });
    const { statusCode } = response;
    const retryAfterMs = parseRetryAfter(response.headers['retry-after'], nowMs);
    const ok = statusCode >= 200 && statusCode < 300;
    const { text } = await readBodyPrefix(response.body, ok ? successLimits : errorBodyLimits);
    const body = parseObject(text);
    if (!ok) {
      const error = typeof body?.error === 'string' ? readSlackErrorToken(body.error) : undefined;
      const failure = httpStatusFailure(statusCode, error ?? text.replace(/\s+/g, ' ').trim().slice(0, 200), retryAfterMs);
      return { ...failure, code: error === undefined ? failure.code : `slack_${error}`, message: `Slack ${method}: ${failure.message}` };
    }
    if (body === undefined || typeof body.ok !== 'boolean') {
      return { kind: 'failed', retryable: true, code: 'slack_invalid_response', message: `Slack ${method}: HTTP ${statusCode} without a Web API answer`, statusCode };
    }
    if (!body.ok) return slackApiErrorFailure(method, typeof body.error === 'string' ? body.error : '', statusCode, retryAfterMs, typeof body.needed === 'string' ? `needed: ${body.needed}` : '');
    return { kind: 'ok', statusCode, body };
  } catch (thrown) {
    return thrownSendFailure(thrown, attempt);
  }
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
