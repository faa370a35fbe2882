import type { Selectable } from 'kysely';
import type { Db, PlatformIntegrationsTable } from '../database.js';

/** Every platform the user has connected, by platform name. */
export async function listPlatformIntegrations(db: Db, args: { readonly userId: string }): Promise<Selectable<PlatformIntegrationsTable>[]> {
  return db.selectFrom('platform_integrations').selectAll().where('user_id', '=', args.userId).orderBy('platform').execute();
}
