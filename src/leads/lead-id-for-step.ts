import { createHash } from 'node:crypto';

/**
 * The id a lead created by a step gets: a UUID (version 8, "custom") hashed from the step's
 * idempotency key, so a step that runs again (a retry after a crash) proposes the same id and
 * recognises the lead it created.
 */
export function leadIdForStep(idempotencyKey: string): string {
  const hex = createHash('sha256').update(`lead:${idempotencyKey}`).digest('hex');
  const variant = ((parseInt(hex.slice(16, 17), 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
