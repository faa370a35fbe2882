import type { Db, RoutesTable } from '../database.js';

/** Inserts a route. Returns false, changing nothing, when the id already exists. */
export async function insertRoute(db: Db, route: RoutesTable): Promise<boolean> {
  const inserted = await db.insertInto('routes').values(route).onConflict((oc) => oc.column('id').doNothing()).returning('id').executeTakeFirst();
  return inserted !== undefined;
}
