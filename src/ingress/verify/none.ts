import { createOptionReader } from './option-reader.js';
import type { VerificationScheme } from './verification-scheme.js';

export type NoneOptions = Record<string, never>;

/** Accepts every request; the server allows it only for endpoints registered with `allow_unsigned: true`. */
export const noneScheme: VerificationScheme<NoneOptions> & { readonly name: 'none' } = {
  name: 'none',
  description: 'No verification (only for endpoints registered with allow_unsigned: true)',
  usesSecret: false,

  parseOptions(raw) {
    return createOptionReader('none', raw).finish({});
  },

  verify() {
    return { ok: true };
  },

  sign() {
    return {};
  },
};
