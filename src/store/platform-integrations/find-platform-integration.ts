import type { Selectable } from 'kysely';
import type { Db, PlatformIntegrationsTable } from '../database.js';

/** The user's connection to one platform, or undefined when they have not connected it. */
export async function findPlatformIntegration(db: Db, args: { readonly userId: string; readonly platform: string }): Promise<Selectable<PlatformIntegrationsTable> | undefined> {
  return db.selectFrom('platform_integrations').selectAll().where('user_id', '=', args.userId).where('platform', '=', args.platform).executeTakeFirst();
}
