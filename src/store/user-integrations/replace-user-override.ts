import type { Selectable } from 'kysely';
import type { Db, UserIntegrationConfigsTable } from '../database.js';

/** Replaces the fields of an existing override (id and created_at stay); undefined when it no longer exists. */
export async function replaceUserOverride(
  db: Db,
  row: Pick<Selectable<UserIntegrationConfigsTable>, 'user_id' | 'integration_type' | 'enabled' | 'priority' | 'retry_count' | 'retry_delay_seconds' | 'config' | 'secrets' | 'updated_at'>,
): Promise<Selectable<UserIntegrationConfigsTable> | undefined> {
  return db
    .updateTable('user_integration_configs')
    .set({
      enabled: row.enabled,
      priority: row.priority,
      retry_count: row.retry_count,
      retry_delay_seconds: row.retry_delay_seconds,
      config: row.config,
      secrets: row.secrets,
      updated_at: row.updated_at,
    })
    .where('user_id', '=', row.user_id)
    .where('integration_type', '=', row.integration_type)
    .returningAll()
    .executeTakeFirst();
}
