import { createHash } from 'node:crypto';
import { constantTimeEqual } from './constant-time-equal.js';
import { decodeSignature } from './decode-signature.js';
import { hmacDigest } from './hmac-digest.js';
import { matchesAnySecret } from './match-any-secret.js';
import { createOptionReader } from './option-reader.js';
import { readHeader } from './read-header.js';
import { twilioSignedString } from './twilio-signed-string.js';
import { twilioUrlVariants } from './twilio-url-variants.js';
import { verificationFailure } from './verification-failure.js';
import type { VerificationRequest, VerificationScheme } from './verification-scheme.js';

export type TwilioOptions = Record<string, never>;

const HEADER = 'x-twilio-signature';
const FORM = 'application/x-www-form-urlencoded';

/** The `bodySHA256` query parameter Twilio adds when it signs a non-form body, if the URL has one. */
function bodyHashParam(url: string): string | undefined {
  if (!URL.canParse(url)) return undefined;
  return new URL(url).searchParams.get('bodySHA256') ?? undefined;
}

/** What Twilio signed besides the URL: form parameters, or nothing (the URL carries a body hash instead). */
type SignedParams = { readonly ok: true; readonly params: URLSearchParams | undefined } | { readonly ok: false; readonly message: string };

function signedParams(request: VerificationRequest): SignedParams {
  const bodyHash = bodyHashParam(request.url);
  if (bodyHash !== undefined) {
    const presented = decodeSignature(bodyHash, 'hex');
    const actual = createHash('sha256').update(request.rawBody).digest();
    if (presented === undefined || !constantTimeEqual(presented, actual)) {
      return { ok: false, message: 'the body does not match the bodySHA256 query parameter' };
    }
    return { ok: true, params: undefined };
  }
  if (request.contentType === FORM) return { ok: true, params: new URLSearchParams(request.rawBody.toString('utf8')) };
  if (request.rawBody.length === 0) return { ok: true, params: undefined };
  // Twilio signs only the URL of a non-form request; without a body hash its body would be unauthenticated.
  return { ok: false, message: 'a non-form body must be covered by a bodySHA256 query parameter' };
}

/**
 * Twilio: `X-Twilio-Signature` is the base64 HMAC-SHA1, keyed with the auth token, of the full URL
 * plus the sorted form parameters; JSON bodies are covered by a `bodySHA256` query parameter
 * instead. No timestamp; `I-Twilio-Idempotency-Token` is the idempotency key when sent.
 */
export const twilioScheme: VerificationScheme<TwilioOptions> & { readonly name: 'twilio' } = {
  name: 'twilio',
  description: 'Twilio: X-Twilio-Signature = base64 HMAC-SHA1 of the URL + sorted form parameters (bodySHA256 for JSON)',
  sampleContentType: 'application/x-www-form-urlencoded',
  usesSecret: true,

  parseOptions(raw) {
    return createOptionReader('twilio', raw).finish({});
  },

  verify(request, secrets, _options, _nowMs) {
    const signatureText = readHeader(request.headers, HEADER);
    if (signatureText === undefined) return verificationFailure('signature_missing', `${HEADER} header is missing`);
    const presented = decodeSignature(signatureText, 'base64');
    if (presented === undefined) return verificationFailure('signature_invalid', `${HEADER} header is not valid base64`);

    const signed = signedParams(request);
    if (!signed.ok) return verificationFailure('signature_invalid', signed.message);
    const candidates = twilioUrlVariants(request.url).map((url) => Buffer.from(twilioSignedString(url, signed.params), 'utf8'));
    const matches = candidates.some((content) =>
      matchesAnySecret(secrets, [presented], (secret) => hmacDigest('sha1', Buffer.from(secret, 'utf8'), content)),
    );
    if (!matches) return verificationFailure('signature_invalid', `${HEADER} does not match the URL and parameters under any configured secret`);
    return { ok: true, idempotencyKey: readHeader(request.headers, 'i-twilio-idempotency-token') };
  },

  /**
   * Signs `context.formParams` when given. Otherwise a URL carrying `bodySHA256` (or an empty body)
   * is signed alone, and any other body is read as the form post Twilio sends by default.
   */
  sign(body, secret, _options, context) {
    let params: URLSearchParams | undefined;
    if (context.formParams !== undefined) params = new URLSearchParams(Object.entries(context.formParams));
    else if (bodyHashParam(context.url) === undefined && body.length > 0) params = new URLSearchParams(body.toString('utf8'));
    const digest = hmacDigest('sha1', Buffer.from(secret, 'utf8'), twilioSignedString(context.url, params));
    return { [HEADER]: digest.toString('base64') };
  },
};
