import { createOptionReader } from './option-reader.js';
import { parseJsonBody } from './parse-json-body.js';
import { stringAtPath } from './string-at-path.js';
import { timestampedHexSignature } from './timestamped-hex-signature.js';
import type { VerificationScheme } from './verification-scheme.js';

export interface StripeOptions {
  readonly tolerance_seconds: number;
}

const HEADER = 'stripe-signature';

/**
 * Stripe: `Stripe-Signature: t=…,v1=…`, HMAC-SHA256 hex of `${t}.${body}` keyed with the whole
 * `whsec_…` string. The event id (`evt_…`, stable across Stripe's retries) is the idempotency key.
 * Unlike Stripe's own library, a timestamp too far in the future is refused as well as a stale one.
 */
export const stripeScheme: VerificationScheme<StripeOptions> & { readonly name: 'stripe' } = {
  name: 'stripe',
  description: 'Stripe: Stripe-Signature t=<unix>,v1=<hex HMAC-SHA256 of "{t}.{body}">',
  usesSecret: true,

  parseOptions(raw) {
    const reader = createOptionReader('stripe', raw);
    return reader.finish({ tolerance_seconds: reader.toleranceSeconds() });
  },

  verify(request, secrets, options, nowMs) {
    const result = timestampedHexSignature.verify(request, HEADER, secrets, options.tolerance_seconds, nowMs);
    if (!result.ok) return result;
    const json = parseJsonBody(request.rawBody);
    return { ok: true, idempotencyKey: stringAtPath(json, ['id']), eventType: stringAtPath(json, ['type']) };
  },

  sign(body, secret, _options, context) {
    return { [HEADER]: timestampedHexSignature.sign(body, secret, context.nowMs) };
  },
};
