import type { Dispatcher } from 'undici';
import type { DeliveryConfig } from '../../config/delivery-config-schema.js';
import { standardWebhooksScheme, type StandardWebhooksOptions } from '../../ingress/verify/standard-webhooks.js';
import { checkUrlAllowed } from '../outbound/check-url-allowed.js';
import { attemptSignal } from './attempt-signal.js';
import type { Channel, ChannelHealth, ChannelTarget, DestinationResult, OutboundMessage, SendContext, SendOutcome } from './channel.js';
import { httpStatusFailure } from './http-status-failure.js';
import { parseRetryAfter } from './parse-retry-after.js';
import { readConfigString } from './read-channel-config.js';
import { readBodyPrefix, type BodyLimits } from './read-body-prefix.js';
import { secretValue, type SecretValue } from './secret-value.js';
import { thrownSendFailure } from './thrown-send-failure.js';
import { WebhookConfigSchema, webhookFormats, type WebhookFormat } from './webhook-config-schema.js';
import { buildWebhookPayload, webhookContentTypes } from './webhook-payload.js';

/**
 * Where one user's webhooks go. Only `origin` may appear in messages and breaker keys: the path
 * and query can carry a token, so they are a `SecretValue` like the signing secret, and logging or
 * storing a destination prints neither.
 */
export interface WebhookDestination {
  /** `scheme://host[:port]` of the URL. */
  readonly origin: string;
  /** The URL's path and query, as requested. */
  readonly path: SecretValue;
  readonly format: WebhookFormat;
  readonly timeoutMs: number;
  /** The `whsec_` signing secret; without one requests are sent unsigned (still with webhook-id and webhook-timestamp). */
  readonly secret: SecretValue | undefined;
}

export interface WebhookChannelOptions {
  readonly settings: DeliveryConfig['webhook'];
  /** The pool requests go through, normally `createOutboundDispatcher(...)`; owned (and closed) by the caller. */
  readonly dispatcher: Dispatcher;
}

const USER_AGENT = 'Switchboard-Webhooks/1.0';
/** About 2 KB of an error answer is kept for the failure message; up to 64 KiB is drained so the connection is reused. */
const ERROR_BODY_LIMITS: BodyLimits = { keepBytes: 2_048, drainBytes: 65_536 };
/** Signing does not read the tolerance (only verification does); the type asks for options. */
const SIGNING_OPTIONS: StandardWebhooksOptions = { tolerance_seconds: 300 };
const HEALTHY: ChannelHealth = Object.freeze({ configured: true, healthy: true });
const MAX_TIMEOUT_MS = 60_000;

/** The config's `timeout_ms` when it is a whole number of milliseconds in range, else the settings'. */
function readTimeoutMs(config: Readonly<Record<string, unknown>>, fallback: number): number {
  const value = config.timeout_ms;
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= MAX_TIMEOUT_MS ? value : fallback;
}

function resolveWebhookDestination(target: ChannelTarget, settings: DeliveryConfig['webhook']): DestinationResult<WebhookDestination> {
  const { config } = target;
  const url = readConfigString(config, 'url') ?? (target.profile?.webhook_url?.trim() || undefined);
  if (url === undefined) return { ok: false, code: 'no_address', message: 'no webhook URL: neither the config nor the user profile has one' };
  const check = checkUrlAllowed(url, true);
  if (!check.ok) return { ok: false, code: 'address_invalid', message: `webhook URL is invalid: ${check.message}` };
  const parsed = new URL(url);
  const format = readConfigString(config, 'format');
  const secret = readConfigString(config, 'secret');
  return {
    ok: true,
    destination: {
      origin: parsed.origin,
      path: secretValue(`${parsed.pathname}${parsed.search}`),
      format: (webhookFormats as readonly string[]).includes(format ?? '') ? (format as WebhookFormat) : settings.format,
      timeoutMs: readTimeoutMs(config, settings.timeout_ms),
      secret: secret === undefined ? undefined : secretValue(secret),
    },
  };
}

function requestHeaders(message: OutboundMessage, body: Buffer, destination: WebhookDestination, nowMs: number): Record<string, string> {
  const contentType = webhookContentTypes[destination.format];
  if (destination.secret === undefined) {
    return {
      'content-type': contentType,
      'user-agent': USER_AGENT,
      'webhook-id': message.deliveryId,
      'webhook-timestamp': String(Math.floor(nowMs / 1000)),
    };
  }
  // The same construction the inbound verifier checks: webhook-id, webhook-timestamp, webhook-signature.
  const signed = standardWebhooksScheme.sign(body, destination.secret.reveal(), SIGNING_OPTIONS, {
    url: destination.origin + destination.path.reveal(),
    messageId: message.deliveryId,
    nowMs,
  });
  return { 'content-type': contentType, 'user-agent': USER_AGENT, ...signed };
}

async function sendWebhook(
  dispatcher: Dispatcher,
  message: OutboundMessage,
  destination: WebhookDestination,
  context: SendContext,
): Promise<SendOutcome> {
  const body = Buffer.from(buildWebhookPayload(message, destination.format, context.nowMs));
  const headers = requestHeaders(message, body, destination, context.nowMs);
  const attempt = attemptSignal(context.signal, destination.timeoutMs);
  try {
    // Dispatcher.request never follows redirects: a 3xx comes back as the answer.
    const response = await dispatcher.request({
      origin: destination.origin,
      path: destination.path.reveal(),
      method: 'POST',
      headers,
      body,
      signal: attempt.signal,
    });
    const { statusCode } = response;
    if (statusCode >= 200 && statusCode < 300) {
      // Sent once the status arrived; the body is drained (never rejects) only so the connection is reused.
      await response.body.dump();
      return { kind: 'sent', statusCode };
    }
    // The status is the answer: a body that breaks off only shortens the excerpt.
    const { text } = await readBodyPrefix(response.body, ERROR_BODY_LIMITS).catch(() => ({ text: '' }));
    const retryAfterMs = statusCode === 429 || statusCode === 503 ? parseRetryAfter(response.headers['retry-after'], context.nowMs) : undefined;
    const failure = httpStatusFailure(statusCode, text.replace(/\s+/g, ' ').trim(), retryAfterMs);
    return statusCode === 410 ? { ...failure, disableChannel: true } : failure;
  } catch (thrown) {
    // No (complete) answer: timeout, aborted, connection_failed, or address_not_allowed from the outbound guard.
    return thrownSendFailure(thrown, attempt);
  }
}

/**
 * The WEBHOOK channel: one POST per attempt to the user's URL, in Standard Webhooks or CloudEvents
 * (structured) form, signed with Standard Webhooks headers when the config has a secret. The
 * `webhook-id` is the delivery id on every attempt, so receivers deduplicate retries. Redirects are
 * never followed; 408, 429 and 5xx are retryable; 410 disables the user's channel. Requests go
 * through the given dispatcher, which decides which addresses may be reached; `close()` releases
 * nothing, because the dispatcher belongs to the caller.
 */
export function createWebhookChannel(options: WebhookChannelOptions): Channel<WebhookDestination> {
  const { settings, dispatcher } = options;
  return {
    type: 'WEBHOOK',
    configSchema: WebhookConfigSchema,
    secretKeys: ['secret'],
    resolveDestination: (target) => resolveWebhookDestination(target, settings),
    breakerKey: (destination) => `webhook:${destination.origin}`,
    send: (message, destination, context) => sendWebhook(dispatcher, message, destination, context),
    checkHealth: () => Promise.resolve(HEALTHY),
    close: () => Promise.resolve(),
  };
}
