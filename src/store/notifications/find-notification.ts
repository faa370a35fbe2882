import type { Selectable } from 'kysely';
import type { Db, NotificationsTable } from '../database.js';

/** A notification by id, or by its idempotency key. */
export function findNotification(db: Db, by: { readonly id: string } | { readonly idempotencyKey: string }): Promise<Selectable<NotificationsTable> | undefined> {
  return db
    .selectFrom('notifications')
    .selectAll()
    .where('id' in by ? (eb) => eb('id', '=', by.id) : (eb) => eb('idempotency_key', '=', by.idempotencyKey))
    .executeTakeFirst();
}
