import type { Selectable } from 'kysely';
import type { Db, NotifyOutboxTable } from '../database.js';

/** Pending outbox rows, oldest first (index notify_outbox_pending). */
export function listPendingOutbox(db: Db, limit: number): Promise<Selectable<NotifyOutboxTable>[]> {
  return db.selectFrom('notify_outbox').selectAll().where('status', '=', 'pending').orderBy('id').limit(limit).execute();
}
