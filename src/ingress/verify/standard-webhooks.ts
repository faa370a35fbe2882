import { checkTimestampWindow } from './check-timestamp-window.js';
import { decodeSignature } from './decode-signature.js';
import { hmacDigest } from './hmac-digest.js';
import { matchesAnySecret } from './match-any-secret.js';
import { createOptionReader } from './option-reader.js';
import { parseUnixTimestamp } from './parse-unix-timestamp.js';
import { readHeader } from './read-header.js';
import { verificationFailure } from './verification-failure.js';
import type { VerificationScheme } from './verification-scheme.js';

export interface StandardWebhooksOptions {
  readonly tolerance_seconds: number;
}

const SECRET_PREFIX = 'whsec_';

/** The HMAC key of a `whsec_<base64>` secret; a secret without the prefix is read as base64 too. */
function secretKey(secret: string): Buffer {
  return Buffer.from(secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret, 'base64');
}

/**
 * Standard Webhooks (and Svix, which uses the same construction under `svix-*` header names):
 * base64 HMAC-SHA256 of `${id}.${timestamp}.${body}`, listed in the signature header as
 * space-separated `v1,<base64>` entries; entries of other versions (`v1a,` …) are ignored. The
 * headers of one family are used together, never mixed.
 */
export const standardWebhooksScheme: VerificationScheme<StandardWebhooksOptions> & { readonly name: 'standard-webhooks' } = {
  name: 'standard-webhooks',
  description: 'Standard Webhooks / Svix: webhook-id, webhook-timestamp, webhook-signature (v1,<base64 HMAC-SHA256>)',
  usesSecret: true,

  parseOptions(raw) {
    const reader = createOptionReader('standard-webhooks', raw);
    return reader.finish({ tolerance_seconds: reader.toleranceSeconds() });
  },

  verify(request, secrets, options, nowMs) {
    const { headers } = request;
    const family =
      readHeader(headers, 'webhook-signature') !== undefined ? 'webhook' : readHeader(headers, 'svix-signature') !== undefined ? 'svix' : undefined;
    if (family === undefined) return verificationFailure('signature_missing', 'webhook-signature (or svix-signature) header is missing');
    const signatureHeader = `${family}-signature`;
    const id = readHeader(headers, `${family}-id`);
    if (id === undefined) return verificationFailure('signature_missing', `${family}-id header is missing`);
    const timestampText = readHeader(headers, `${family}-timestamp`);
    if (timestampText === undefined) return verificationFailure('signature_missing', `${family}-timestamp header is missing`);
    const timestampSeconds = parseUnixTimestamp(timestampText, 'seconds');
    if (timestampSeconds === undefined) return verificationFailure('signature_invalid', `${family}-timestamp header is not a Unix time`);

    const entries = (readHeader(headers, signatureHeader) ?? '')
      .split(' ')
      .filter((entry) => entry.startsWith('v1,'))
      .map((entry) => entry.slice('v1,'.length));
    if (entries.length === 0) return verificationFailure('signature_invalid', `${signatureHeader} header has no v1 signature`);
    const presented = entries.map((text) => decodeSignature(text, 'base64')).filter((bytes) => bytes !== undefined);
    if (presented.length === 0) return verificationFailure('signature_invalid', `${signatureHeader} v1 signature is not valid base64`);

    const signedPrefix = Buffer.from(`${id}.${timestampText}.`, 'utf8');
    const expectedDigest = (secret: string): Buffer => hmacDigest('sha256', secretKey(secret), signedPrefix, request.rawBody);
    if (!matchesAnySecret(secrets, presented, expectedDigest)) {
      return verificationFailure('signature_invalid', `${signatureHeader} does not match the body under any configured secret`);
    }
    const refused = checkTimestampWindow(timestampSeconds, nowMs, options.tolerance_seconds, `${family}-timestamp header`);
    if (refused !== undefined) return refused;
    return { ok: true, idempotencyKey: id, keptHeaders: { 'webhook-id': id, 'webhook-timestamp': timestampText } };
  },

  sign(body, secret, _options, context) {
    const timestamp = String(Math.floor(context.nowMs / 1000));
    const digest = hmacDigest('sha256', secretKey(secret), `${context.messageId}.${timestamp}.`, body);
    return {
      'webhook-id': context.messageId,
      'webhook-timestamp': timestamp,
      'webhook-signature': `v1,${digest.toString('base64')}`,
    };
  },
};
