import type { Db } from '../database.js';

/**
 * Deletes up to `limit` request-log rows received before `beforeMs`, oldest first, and returns how
 * many it deleted. Log ids are UUIDv7 (time first), so the primary key finds them: no scan.
 */
export async function deleteRequestLogsBefore(db: Db, beforeMs: number, limit: number): Promise<number> {
  const boundary = idBoundary(beforeMs);
  const result = await db
    .deleteFrom('webhook_request_logs')
    .where('id', 'in', (eb) => eb.selectFrom('webhook_request_logs').select('id').where('id', '<', boundary).orderBy('id').limit(limit))
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** The smallest UUIDv7 text of millisecond `ms`: every id made earlier sorts below it. */
function idBoundary(ms: number): string {
  const time = Math.max(0, Math.floor(ms)).toString(16).padStart(12, '0');
  return `${time.slice(0, 8)}-${time.slice(8, 12)}-0`;
}
