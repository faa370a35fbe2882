import type { Selectable } from 'kysely';
import type { Db, PlatformIntegrationsTable } from '../database.js';

/**
 * Stores the result of a health check and the status it implies; undefined when the connection no
 * longer exists. `updated_at` is the connection's configuration time and stays (the health has its own
 * `checked_at`).
 */
export async function recordPlatformHealth(
  db: Db,
  args: { readonly userId: string; readonly platform: string; readonly status: string; readonly health: string },
): Promise<Selectable<PlatformIntegrationsTable> | undefined> {
  return db
    .updateTable('platform_integrations')
    .set({ status: args.status, health: args.health })
    .where('user_id', '=', args.userId)
    .where('platform', '=', args.platform)
    .returningAll()
    .executeTakeFirst();
}
