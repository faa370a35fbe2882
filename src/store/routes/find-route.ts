import type { Selectable } from 'kysely';
import type { Db, RoutesTable } from '../database.js';

/** One route row by id, or undefined. */
export async function findRoute(db: Db, id: string): Promise<Selectable<RoutesTable> | undefined> {
  return db.selectFrom('routes').selectAll().where('id', '=', id).executeTakeFirst();
}
