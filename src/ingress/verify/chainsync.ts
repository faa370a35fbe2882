import { defineHmacPreset } from './hmac-preset.js';

/**
 * ChainSync's MuleSoft flows: `X-Webhook-Signature` is the lower-case hex HMAC-SHA256 of
 * `{X-Webhook-Timestamp}.{raw body}` with the secret as UTF-8 key (Python `hmac.new(...).hexdigest()`,
 * DataWeave `dw::Crypto::HMACWith(secret, content, "HmacSHA256")`, secret first, both `Binary`).
 * The `X-API-Key` second factor is checked by the server.
 */
export const chainsyncScheme = defineHmacPreset({
  name: 'chainsync',
  description: 'ChainSync / MuleSoft: X-Webhook-Signature = hex HMAC-SHA256 of "{X-Webhook-Timestamp}.{body}"',
  variants: [
    {
      algorithm: 'sha256',
      encoding: 'hex',
      signature_header: 'x-webhook-signature',
      prefix: '',
      signed_content: '{timestamp}.{body}',
      timestamp_header: 'x-webhook-timestamp',
      timestamp_unit: 'seconds',
      tolerance_seconds: 300,
    },
  ],
});
