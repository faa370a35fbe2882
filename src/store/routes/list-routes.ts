import type { Selectable } from 'kysely';
import type { Db, RoutesTable } from '../database.js';

/** Every route, enabled or not, in id order (the order routes match in). */
export async function listRoutes(db: Db): Promise<Selectable<RoutesTable>[]> {
  return db.selectFrom('routes').selectAll().orderBy('id').execute();
}
