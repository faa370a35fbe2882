import type { Selectable } from 'kysely';
import type { Db, EventsRoutingColumn, EventsTable } from '../database.js';

/** One event by id, or undefined. */
export async function findEvent(db: Db, id: string): Promise<Selectable<EventsTable & EventsRoutingColumn> | undefined> {
  return db.selectFrom('events').selectAll().where('id', '=', id).executeTakeFirst();
}
