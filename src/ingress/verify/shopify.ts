import { defineHmacPreset } from './hmac-preset.js';
import { pickHeaders } from './pick-headers.js';
import { readHeader } from './read-header.js';

/**
 * Shopify: `X-Shopify-Hmac-Sha256` is the base64 HMAC-SHA256 of the raw body. No timestamp; the
 * webhook id (stable across Shopify's retries) is the idempotency key.
 */
export const shopifyScheme = defineHmacPreset({
  name: 'shopify',
  description: 'Shopify: X-Shopify-Hmac-Sha256 = base64 HMAC-SHA256 of the body',
  variants: [{ algorithm: 'sha256', encoding: 'base64', signature_header: 'x-shopify-hmac-sha256', prefix: '', signed_content: '{body}' }],
  describeDelivery: (request) => ({
    idempotencyKey: readHeader(request.headers, 'x-shopify-webhook-id') ?? readHeader(request.headers, 'x-shopify-event-id'),
    eventType: readHeader(request.headers, 'x-shopify-topic'),
    keptHeaders: pickHeaders(request.headers, ['x-shopify-topic', 'x-shopify-shop-domain', 'x-shopify-webhook-id']),
  }),
});
