import type { VerificationFailureCode, VerificationResult } from './verification-scheme.js';

/** A refused verification: one failure code and a message that never quotes a secret or a signature. */
export function verificationFailure(code: VerificationFailureCode, message: string): VerificationResult {
  return { ok: false, code, message };
}
