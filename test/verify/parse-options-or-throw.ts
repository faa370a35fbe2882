import type { VerificationScheme } from '../../src/ingress/verify/verification-scheme.js';

/** Parsed options for a test that expects them to be valid. */
export function parseOptionsOrThrow<O>(scheme: VerificationScheme<O>, raw: Record<string, unknown> = {}): O {
  const parsed = scheme.parseOptions(raw);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.options;
}
