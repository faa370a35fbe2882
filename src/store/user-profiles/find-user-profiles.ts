import type { Selectable } from 'kysely';
import type { Db, UserProfilesTable } from '../database.js';

/** The profiles of these users that exist. */
export async function findUserProfiles(db: Db, userIds: readonly string[]): Promise<Selectable<UserProfilesTable>[]> {
  if (userIds.length === 0) return [];
  const unique = [...new Set(userIds)];
  return db
    .selectFrom('user_profiles')
    .selectAll()
    .where(unique.length === 1 ? (eb) => eb('user_id', '=', unique[0] as string) : (eb) => eb('user_id', 'in', unique))
    .execute();
}
