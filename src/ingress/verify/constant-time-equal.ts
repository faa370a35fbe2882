import { timingSafeEqual } from 'node:crypto';

/**
 * Compares two byte strings in constant time. A length mismatch returns false at once: the
 * expected length is fixed by the algorithm, so it reveals nothing secret.
 */
export function constantTimeEqual(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}
