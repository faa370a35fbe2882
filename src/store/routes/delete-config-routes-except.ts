import type { Db } from '../database.js';

/** Deletes the routes of origin 'config' whose ids are not in `keepIds` (they left the config file). Returns how many. */
export async function deleteConfigRoutesExcept(db: Db, keepIds: readonly string[]): Promise<number> {
  let query = db.deleteFrom('routes').where('origin', '=', 'config');
  if (keepIds.length > 0) query = query.where('id', 'not in', keepIds);
  const result = await query.executeTakeFirst();
  return Number(result.numDeletedRows);
}
