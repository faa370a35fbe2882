import { request, type Dispatcher } from 'undici';
import { attemptSignal } from './attempt-signal.js';
import type { SendOutcome } from './channel.js';
import { parseRetryAfter } from './parse-retry-after.js';
import { errorBodyLimits, readBodyPrefix } from './read-body-prefix.js';
import type { SecretValue } from './secret-value.js';
import type { SlackMessagePayload } from './slack-message.js';
import { slackWebhookFailure } from './slack-webhook-failure.js';
import { thrownSendFailure } from './thrown-send-failure.js';

/** An incoming webhook: the URL (a secret) and the dispatcher allowed to reach it. */
export interface SlackWebhookTarget {
  readonly url: SecretValue;
  readonly owner: 'user' | 'system';
  readonly dispatcher: Dispatcher;
  readonly timeoutMs: number;
}

/**
 * One `POST` of a message to an incoming webhook. Slack answers `200 ok` or a status with a
 * one-word error text; there is no message id to keep. Redirects are never followed.
 */
export async function postSlackWebhook(target: SlackWebhookTarget, payload: SlackMessagePayload, signal: AbortSignal, nowMs: number): Promise<SendOutcome> {
  const attempt = attemptSignal(signal, target.timeoutMs);
  try {
    const response = await request(target.url.reveal(), {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify(payload),
      dispatcher: target.dispatcher,
      signal: attempt.signal,
    });
    const { text } = await readBodyPrefix(response.body, errorBodyLimits);
    if (response.statusCode >= 200 && response.statusCode < 300) return { kind: 'sent', statusCode: response.statusCode };
    return slackWebhookFailure(response.statusCode, text, parseRetryAfter(response.headers['retry-after'], nowMs), target.owner);
  } catch (thrown) {
    return thrownSendFailure(thrown, attempt);
  }
}
