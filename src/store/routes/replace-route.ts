import type { Db } from '../database.js';

/** Replaces an existing route's definition, keeping its origin and created_at. Returns false when there is no such route. */
export async function replaceRoute(db: Db, route: { id: string; definition: string; enabled: number; updatedAt: number }): Promise<boolean> {
  const result = await db
    .updateTable('routes')
    .set({ definition: route.definition, enabled: route.enabled, updated_at: route.updatedAt })
    .where('id', '=', route.id)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}
