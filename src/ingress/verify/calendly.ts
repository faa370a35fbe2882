import { createOptionReader } from './option-reader.js';
import { parseJsonBody } from './parse-json-body.js';
import { stringAtPath } from './string-at-path.js';
import { timestampedHexSignature } from './timestamped-hex-signature.js';
import type { VerificationScheme } from './verification-scheme.js';

export interface CalendlyOptions {
  readonly tolerance_seconds: number;
}

const HEADER = 'calendly-webhook-signature';

/**
 * Calendly: `Calendly-Webhook-Signature: t=…,v1=…`, HMAC-SHA256 hex of `${t}.${body}` with the
 * webhook signing key, the same construction as Stripe. Calendly's docs suggest a 3-minute
 * window; the default here is the common 300 s, set `tolerance_seconds: 180` to match them.
 * The idempotency key is `"{event} {payload.uri}"`: a redelivered invitee.created is a duplicate,
 * the same invitee's invitee.canceled is not.
 */
export const calendlyScheme: VerificationScheme<CalendlyOptions> & { readonly name: 'calendly' } = {
  name: 'calendly',
  description: 'Calendly: Calendly-Webhook-Signature t=<unix>,v1=<hex HMAC-SHA256 of "{t}.{body}">',
  usesSecret: true,

  parseOptions(raw) {
    const reader = createOptionReader('calendly', raw);
    return reader.finish({ tolerance_seconds: reader.toleranceSeconds() });
  },

  verify(request, secrets, options, nowMs) {
    const result = timestampedHexSignature.verify(request, HEADER, secrets, options.tolerance_seconds, nowMs);
    if (!result.ok) return result;
    const json = parseJsonBody(request.rawBody);
    const eventType = stringAtPath(json, ['event']);
    // Calendly sends no delivery id and re-signs a redelivery with a new timestamp; what happened
    // (the event) to which resource (the invitee's or submission's uri) happens once.
    const resource = stringAtPath(json, ['payload', 'uri']);
    return { ok: true, eventType, idempotencyKey: eventType === undefined || resource === undefined ? undefined : `${eventType} ${resource}` };
  },

  sign(body, secret, _options, context) {
    return { [HEADER]: timestampedHexSignature.sign(body, secret, context.nowMs) };
  },
};
