import type { Selectable } from 'kysely';
import type { Db, UserIntegrationConfigsTable } from '../database.js';

/** The overrides of these users (none for users on defaults). */
export async function findUserOverrides(db: Db, userIds: readonly string[]): Promise<Selectable<UserIntegrationConfigsTable>[]> {
  if (userIds.length === 0) return [];
  const unique = [...new Set(userIds)];
  return db
    .selectFrom('user_integration_configs')
    .selectAll()
    .where(unique.length === 1 ? (eb) => eb('user_id', '=', unique[0] as string) : (eb) => eb('user_id', 'in', unique))
    .execute();
}
