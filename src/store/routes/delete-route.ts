import type { Db } from '../database.js';

/** Deletes a route. Returns false when there was no such route. */
export async function deleteRoute(db: Db, id: string): Promise<boolean> {
  const result = await db.deleteFrom('routes').where('id', '=', id).executeTakeFirst();
  return result.numDeletedRows > 0n;
}
