import { httpStatusFailure } from './http-status-failure.js';
import type { SendFailure } from './send-failure.js';
import { readSlackErrorToken } from './slack-error-codes.js';

/**
 * The failure a non-2xx answer of an incoming webhook is. Webhooks answer with an HTTP status and
 * a one-word text (`400 invalid_payload`, `403 action_prohibited`, `404 channel_not_found`,
 * `410 channel_is_archived`…); the status decides (408, 429 and 5xx retryable, other 4xx
 * permanent) and the word becomes the code, `slack_<word>`. A 410 from a URL a user configured
 * means the webhook is gone for good: `disableChannel` turns that user's Slack config off.
 */
export function slackWebhookFailure(statusCode: number, bodyText: string, retryAfterMs: number | undefined, owner: 'user' | 'system'): SendFailure {
  const token = readSlackErrorToken(bodyText);
  const base = httpStatusFailure(statusCode, token ?? bodyText.replace(/\s+/g, ' ').trim().slice(0, 200), retryAfterMs);
  return {
    ...base,
    code: token === undefined ? base.code : `slack_${token}`,
    message: `Slack incoming webhook: ${base.message}`,
    ...(statusCode === 410 && owner === 'user' ? { disableChannel: true } : {}),
  };
}
