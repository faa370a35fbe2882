import type { Insertable, Selectable } from 'kysely';
import type { Db, UserIntegrationConfigsTable } from '../database.js';

/** Inserts an override; undefined when the user already has one for this integration type. */
export async function insertUserOverride(db: Db, row: Insertable<UserIntegrationConfigsTable>): Promise<Selectable<UserIntegrationConfigsTable> | undefined> {
  return db
    .insertInto('user_integration_configs')
    .values(row)
    .onConflict((oc) => oc.columns(['user_id', 'integration_type']).doNothing())
    .returningAll()
    .executeTakeFirst();
}
