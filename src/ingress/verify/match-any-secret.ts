import { constantTimeEqual } from './constant-time-equal.js';

/**
 * Whether any presented signature equals the digest expected under any secret (the secrets list
 * holds the current one and, during a rotation's grace period, the previous one).
 */
export function matchesAnySecret(
  secrets: readonly string[],
  presented: readonly Buffer[],
  expectedDigest: (secret: string) => Buffer,
): boolean {
  for (const secret of secrets) {
    const expected = expectedDigest(secret);
    for (const signature of presented) {
      if (constantTimeEqual(signature, expected)) return true;
    }
  }
  return false;
}
