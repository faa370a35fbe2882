import { createHash } from 'node:crypto';
import { constantTimeEqual } from './constant-time-equal.js';
import { decodeSignature } from './decode-signature.js';
import { createOptionReader } from './option-reader.js';
import { readHeader } from './read-header.js';
import { verificationFailure } from './verification-failure.js';
import type { VerificationScheme } from './verification-scheme.js';

export interface ApiKeyOptions {
  /** Lower-case header carrying the key. */
  readonly header: string;
  /** Text before the key in that header (e.g. `Bearer `), compared case-insensitively; '' for none. */
  readonly prefix: string;
}

const PRINTABLE_ASCII = /^[\x20-\x7e]{0,32}$/;

/**
 * A static API key in a header. The `secrets` given to `verify` are the SHA-256 hex hashes of the
 * valid keys (the server stores keys hashed); the presented key is hashed and compared in constant
 * time with each. Absent and wrong keys are both `api_key_invalid`.
 */
export const apiKeyScheme: VerificationScheme<ApiKeyOptions> & { readonly name: 'api-key' } = {
  name: 'api-key',
  description: 'Static API key in a header (default X-API-Key), checked against the stored SHA-256 hashes',
  usesSecret: false,

  parseOptions(raw) {
    const reader = createOptionReader('api-key', raw);
    const header = reader.headerName('header', 'x-api-key');
    const prefix = reader.string('prefix', '', (value) =>
      PRINTABLE_ASCII.test(value) ? undefined : 'must be at most 32 printable ASCII characters',
    );
    return reader.finish({ header, prefix });
  },

  verify(request, keyHashes, options, _nowMs) {
    const value = readHeader(request.headers, options.header);
    if (value === undefined) return verificationFailure('api_key_invalid', `${options.header} header is missing`);
    if (value.slice(0, options.prefix.length).toLowerCase() !== options.prefix.toLowerCase()) {
      return verificationFailure('api_key_invalid', `${options.header} header does not start with "${options.prefix}"`);
    }
    const presented = createHash('sha256').update(value.slice(options.prefix.length).trim(), 'utf8').digest();
    const matches = keyHashes.some((hash) => {
      const stored = decodeSignature(hash, 'hex');
      return stored !== undefined && constantTimeEqual(presented, stored);
    });
    return matches ? { ok: true } : verificationFailure('api_key_invalid', `${options.header} is not a valid API key`);
  },

  /** `secret` is the plain API key here. */
  sign(_body, apiKey, options, _context) {
    return { [options.header]: options.prefix + apiKey };
  },
};
