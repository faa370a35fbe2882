import { defineHmacPreset } from './hmac-preset.js';
import { pickHeaders } from './pick-headers.js';
import { parseJsonBody } from './parse-json-body.js';
import { stringAtPath } from './string-at-path.js';

/**
 * Slack: `X-Slack-Signature: v0=<hex>`, HMAC-SHA256 of `v0:{X-Slack-Request-Timestamp}:{raw body}`
 * with the app's signing secret. Events API bodies are JSON (`event_id` is stable across Slack's
 * retries); slash commands and interactivity are form posts and carry no id.
 */
export const slackScheme = defineHmacPreset({
  name: 'slack',
  description: 'Slack: X-Slack-Signature = v0=<hex HMAC-SHA256 of "v0:{X-Slack-Request-Timestamp}:{body}">',
  variants: [
    {
      algorithm: 'sha256',
      encoding: 'hex',
      signature_header: 'x-slack-signature',
      prefix: 'v0=',
      signed_content: 'v0:{timestamp}:{body}',
      timestamp_header: 'x-slack-request-timestamp',
      timestamp_unit: 'seconds',
      tolerance_seconds: 300,
    },
  ],
  describeDelivery: (request) => {
    const json = parseJsonBody(request.rawBody);
    // Events API set-up: Slack sends a signed `url_verification` and expects its challenge echoed back.
    const challenge = stringAtPath(json, ['type']) === 'url_verification' ? stringAtPath(json, ['challenge']) : undefined;
    if (challenge !== undefined) return { handshake: { contentType: 'application/json', body: JSON.stringify({ challenge }) } };
    return {
      idempotencyKey: stringAtPath(json, ['event_id']),
      // An event_callback's own `type` is always "event_callback"; the inner event says what happened.
      eventType: stringAtPath(json, ['event', 'type']) ?? stringAtPath(json, ['type']),
      keptHeaders: pickHeaders(request.headers, ['x-slack-retry-num', 'x-slack-retry-reason']),
    };
  },
});
