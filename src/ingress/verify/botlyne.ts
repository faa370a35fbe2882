import { defineHmacPreset } from './hmac-preset.js';

/**
 * Botlyne's webhook client: `X-Signature` is hex HMAC-SHA256 of `{X-Timestamp}.{raw body}`. Its
 * client sends `X-Timestamp: Date.now()`, so a millisecond timestamp is accepted as well as seconds.
 */
export const botlyneScheme = defineHmacPreset({
  name: 'botlyne',
  description: 'Botlyne: X-Signature = hex HMAC-SHA256 of "{X-Timestamp}.{body}" (seconds or milliseconds)',
  variants: [
    {
      algorithm: 'sha256',
      encoding: 'hex',
      signature_header: 'x-signature',
      prefix: '',
      signed_content: '{timestamp}.{body}',
      timestamp_header: 'x-timestamp',
      timestamp_unit: 'seconds',
      tolerance_seconds: 300,
    },
  ],
});
