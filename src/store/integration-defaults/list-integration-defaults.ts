import type { Selectable } from 'kysely';
import type { Db, IntegrationDefaultConfigsTable } from '../database.js';

/** Every stored integration default. */
export function listIntegrationDefaults(db: Db): Promise<Selectable<IntegrationDefaultConfigsTable>[]> {
  return db.selectFrom('integration_default_configs').selectAll().orderBy('priority').orderBy('integration_type').execute();
}
