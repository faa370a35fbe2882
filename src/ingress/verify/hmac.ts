import { checkTimestampWindow } from './check-timestamp-window.js';
import { decodeSignature, type SignatureEncoding } from './decode-signature.js';
import { hmacDigest, type HmacAlgorithm } from './hmac-digest.js';
import { matchesAnySecret } from './match-any-secret.js';
import { createOptionReader } from './option-reader.js';
import { parseSignedContentTemplate, type SignedContentTemplate } from './signed-content-template.js';
import { parseUnixTimestamp } from './parse-unix-timestamp.js';
import { readHeader } from './read-header.js';
import { verificationFailure } from './verification-failure.js';
import type { VerificationScheme } from './verification-scheme.js';

/**
 * Parsed `hmac` options. Keys keep their registration spelling so that parsing a parsed value
 * again gives the same value (the server may store either).
 */
export interface HmacOptions {
  readonly algorithm: HmacAlgorithm;
  readonly encoding: SignatureEncoding;
  /** Lower-case header holding the signature. */
  readonly signature_header: string;
  /** Text before the encoded digest (`sha256=`), compared case-insensitively; '' for none. */
  readonly prefix: string;
  readonly signed_content: string;
  /** Lower-case header holding a Unix time; tolerance and unit are present only with it. */
  readonly timestamp_header?: string | undefined;
  readonly timestamp_unit?: 'seconds' | 'milliseconds' | undefined;
  readonly tolerance_seconds?: number | undefined;
}

const DEFAULT_TOLERANCE_SECONDS = 300;
const PRINTABLE_ASCII = /^[\x20-\x7e]{0,64}$/;

function compileTemplate(options: HmacOptions): SignedContentTemplate {
  const parsed = parseSignedContentTemplate(options.signed_content, options.timestamp_header !== undefined);
  if (!parsed.ok) throw new Error(`hmac options were not produced by parseOptions: signed_content ${parsed.message}`);
  return parsed.template;
}

/** Generic HMAC over the raw body (and optionally a timestamp header), configured per endpoint. */
export const hmacScheme: VerificationScheme<HmacOptions> & { readonly name: 'hmac' } = {
  name: 'hmac',
  description: 'Configurable HMAC (SHA-1/256/512, hex or base64) of the raw body, optionally with a timestamp header',
  usesSecret: true,

  parseOptions(raw) {
    const reader = createOptionReader('hmac', raw);
    const algorithm = reader.oneOf('algorithm', ['sha1', 'sha256', 'sha512'], 'sha256');
    const encoding = reader.oneOf('encoding', ['hex', 'base64'], 'hex');
    const signatureHeader = reader.headerName('signature_header', undefined);
    const prefix = reader.string('prefix', '', (value) =>
      PRINTABLE_ASCII.test(value) ? undefined : 'must be at most 64 printable ASCII characters',
    );
    const timestampHeader = reader.optionalHeaderName('timestamp_header');
    const signedContent = reader.string('signed_content', timestampHeader === undefined ? '{body}' : '{timestamp}.{body}', (value) =>
      value.length <= 256 ? undefined : 'must be at most 256 characters',
    );
    const timestampUnit = reader.oneOf('timestamp_unit', ['seconds', 'milliseconds'], 'seconds');
    const toleranceSeconds = reader.toleranceSeconds();

    const template = parseSignedContentTemplate(signedContent, timestampHeader !== undefined);
    if (!template.ok) {
      reader.problem(`option "signed_content" ${template.message}`);
    } else if (timestampHeader !== undefined && !template.template.usesTimestamp) {
      reader.problem('option "signed_content" must include {timestamp} when timestamp_header is set, or the timestamp is not signed');
    }
    if (timestampHeader === undefined) {
      for (const key of ['timestamp_unit', 'tolerance_seconds']) {
        if (raw[key] !== undefined && raw[key] !== null) reader.problem(`option "${key}" needs a timestamp_header`);
      }
    }
    if (timestampHeader !== undefined && timestampHeader === signatureHeader) {
      reader.problem('options "timestamp_header" and "signature_header" must name different headers');
    }
    return reader.finish<HmacOptions>({
      algorithm,
      encoding,
      signature_header: signatureHeader,
      prefix,
      signed_content: signedContent,
      ...(timestampHeader === undefined
        ? {}
        : { timestamp_header: timestampHeader, timestamp_unit: timestampUnit, tolerance_seconds: toleranceSeconds }),
    });
  },

  verify(request, secrets, options, nowMs) {
    const header = options.signature_header;
    const signatureText = readHeader(request.headers, header);
    if (signatureText === undefined) return verificationFailure('signature_missing', `${header} header is missing`);

    let timestampText: string | undefined;
    let timestampSeconds: number | undefined;
    if (options.timestamp_header !== undefined) {
      timestampText = readHeader(request.headers, options.timestamp_header);
      if (timestampText === undefined) return verificationFailure('signature_missing', `${options.timestamp_header} header is missing`);
      timestampSeconds = parseUnixTimestamp(timestampText, options.timestamp_unit === 'milliseconds' ? 'milliseconds' : 'auto');
      if (timestampSeconds === undefined) {
        return verificationFailure('signature_invalid', `${options.timestamp_header} header is not a Unix time`);
      }
    }

    const { prefix } = options;
    if (signatureText.slice(0, prefix.length).toLowerCase() !== prefix.toLowerCase()) {
      return verificationFailure('signature_invalid', `${header} header does not start with "${prefix}"`);
    }
    const presented = decodeSignature(signatureText.slice(prefix.length), options.encoding);
    if (presented === undefined) return verificationFailure('signature_invalid', `${header} header is not valid ${options.encoding}`);

    const content = compileTemplate(options).render(request.rawBody, timestampText);
    const expectedDigest = (secret: string): Buffer => hmacDigest(options.algorithm, Buffer.from(secret, 'utf8'), content);
    if (!matchesAnySecret(secrets, [presented], expectedDigest)) {
      return verificationFailure('signature_invalid', `${header} does not match the body under any configured secret`);
    }
    if (timestampSeconds !== undefined && options.timestamp_header !== undefined) {
      const refused = checkTimestampWindow(
        timestampSeconds,
        nowMs,
        options.tolerance_seconds ?? DEFAULT_TOLERANCE_SECONDS,
        `${options.timestamp_header} header`,
      );
      if (refused !== undefined) return refused;
    }
    return { ok: true };
  },

  sign(body, secret, options, context) {
    const headers: Record<string, string> = {};
    let timestamp: string | undefined;
    if (options.timestamp_header !== undefined) {
      timestamp = String(options.timestamp_unit === 'milliseconds' ? Math.floor(context.nowMs) : Math.floor(context.nowMs / 1000));
      headers[options.timestamp_header] = timestamp;
    }
    const digest = hmacDigest(options.algorithm, Buffer.from(secret, 'utf8'), compileTemplate(options).render(body, timestamp));
    headers[options.signature_header] = options.prefix + digest.toString(options.encoding);
    return headers;
  },
};
