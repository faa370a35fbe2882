import type { Db, RoutesTable } from '../database.js';

/** Inserts a route or replaces the one with its id (definition, origin, enabled, updated_at); created_at is kept. */
export async function upsertRoute(db: Db, route: RoutesTable): Promise<void> {
  await db
    .insertInto('routes')
    .values(route)
    .onConflict((oc) =>
      oc.column('id').doUpdateSet({ definition: route.definition, origin: route.origin, enabled: route.enabled, updated_at: route.updated_at }),
    )
    .execute();
}
