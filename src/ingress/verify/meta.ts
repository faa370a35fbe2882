import { defineHmacPreset } from './hmac-preset.js';

/**
 * Meta (WhatsApp Cloud API, Instagram, Messenger): `X-Hub-Signature-256: sha256=<hex>` of the raw
 * body with the app secret. Meta signs the body exactly as sent (with `\uXXXX` escapes), which is
 * why only the raw bytes verify. No timestamp and no delivery id.
 */
export const metaScheme = defineHmacPreset({
  name: 'meta',
  // Meta retries a notification answered with anything but 200 OK, 202 included.
  acceptedStatus: 200,
  description: 'Meta (WhatsApp, Instagram, Messenger): X-Hub-Signature-256 = sha256=<hex HMAC-SHA256 of the body with the app secret>',
  variants: [{ algorithm: 'sha256', encoding: 'hex', signature_header: 'x-hub-signature-256', prefix: 'sha256=', signed_content: '{body}' }],
});
