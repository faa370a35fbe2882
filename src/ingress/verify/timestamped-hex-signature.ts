import { checkTimestampWindow } from './check-timestamp-window.js';
import { decodeSignature } from './decode-signature.js';
import { hmacDigest } from './hmac-digest.js';
import { matchesAnySecret } from './match-any-secret.js';
import { parseUnixTimestamp } from './parse-unix-timestamp.js';
import { readHeader } from './read-header.js';
import { verificationFailure } from './verification-failure.js';
import type { VerificationRequest, VerificationResult } from './verification-scheme.js';

/**
 * The `t=<unix seconds>,v1=<hex>[,v1=<hex>…]` header Stripe introduced and Calendly copied:
 * HMAC-SHA256 of `${t}.${raw body}`, keyed with the secret's UTF-8 bytes (a `whsec_` prefix
 * included). Any `v1` may match; other entries (`v0`, future versions) are ignored.
 */
export const timestampedHexSignature = {
  verify(
    request: VerificationRequest,
    headerName: string,
    secrets: readonly string[],
    toleranceSeconds: number,
    nowMs: number,
  ): VerificationResult {
    const value = readHeader(request.headers, headerName);
    if (value === undefined) return verificationFailure('signature_missing', `${headerName} header is missing`);

    const timestamps: string[] = [];
    const signatures: string[] = [];
    for (const item of value.split(',')) {
      const equals = item.indexOf('=');
      const key = item.slice(0, equals).trim();
      if (equals < 0) continue;
      if (key === 't') timestamps.push(item.slice(equals + 1).trim());
      if (key === 'v1') signatures.push(item.slice(equals + 1).trim());
    }
    const [timestampText] = timestamps;
    if (timestamps.length !== 1 || timestampText === undefined) {
      return verificationFailure('signature_invalid', `${headerName} header must carry exactly one t= timestamp`);
    }
    const timestampSeconds = parseUnixTimestamp(timestampText, 'seconds');
    if (timestampSeconds === undefined) return verificationFailure('signature_invalid', `${headerName} t= is not a Unix time`);
    if (signatures.length === 0) return verificationFailure('signature_invalid', `${headerName} header has no v1 signature`);
    const presented = signatures.map((text) => decodeSignature(text, 'hex')).filter((bytes) => bytes !== undefined);
    if (presented.length === 0) return verificationFailure('signature_invalid', `${headerName} v1 signature is not valid hex`);

    const prefix = Buffer.from(`${timestampText}.`, 'utf8');
    const expectedDigest = (secret: string): Buffer => hmacDigest('sha256', Buffer.from(secret, 'utf8'), prefix, request.rawBody);
    if (!matchesAnySecret(secrets, presented, expectedDigest)) {
      return verificationFailure('signature_invalid', `${headerName} does not match the body under any configured secret`);
    }
    return checkTimestampWindow(timestampSeconds, nowMs, toleranceSeconds, `${headerName} t=`) ?? { ok: true };
  },

  /** The header value for `body`, timestamped at `nowMs`. */
  sign(body: Buffer, secret: string, nowMs: number): string {
    const timestamp = String(Math.floor(nowMs / 1000));
    const digest = hmacDigest('sha256', Buffer.from(secret, 'utf8'), `${timestamp}.`, body);
    return `t=${timestamp},v1=${digest.toString('hex')}`;
  },
};
