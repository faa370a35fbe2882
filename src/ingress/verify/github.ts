import { defineHmacPreset } from './hmac-preset.js';
import { pickHeaders } from './pick-headers.js';
import { readHeader } from './read-header.js';

/**
 * GitHub: `X-Hub-Signature-256: sha256=<hex>` over the raw body; when a sender omits it, the legacy
 * `X-Hub-Signature: sha1=<hex>`. GitHub sends no timestamp, so there is no replay window; the
 * `X-GitHub-Delivery` id is the idempotency key.
 */
export const githubScheme = defineHmacPreset({
  name: 'github',
  description: 'GitHub: X-Hub-Signature-256 (sha256=<hex>) of the body, falling back to X-Hub-Signature (sha1=<hex>)',
  variants: [
    { algorithm: 'sha256', encoding: 'hex', signature_header: 'x-hub-signature-256', prefix: 'sha256=', signed_content: '{body}' },
    { algorithm: 'sha1', encoding: 'hex', signature_header: 'x-hub-signature', prefix: 'sha1=', signed_content: '{body}' },
  ],
  describeDelivery: (request) => ({
    idempotencyKey: readHeader(request.headers, 'x-github-delivery'),
    eventType: readHeader(request.headers, 'x-github-event'),
    keptHeaders: pickHeaders(request.headers, ['x-github-event', 'x-github-delivery', 'x-github-hook-id']),
  }),
});
