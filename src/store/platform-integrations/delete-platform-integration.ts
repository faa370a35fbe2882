import type { Db } from '../database.js';

/** Deletes the user's connection to the platform, counters included; false when there was none. */
export async function deletePlatformIntegration(db: Db, args: { readonly userId: string; readonly platform: string }): Promise<boolean> {
  const result = await db.deleteFrom('platform_integrations').where('user_id', '=', args.userId).where('platform', '=', args.platform).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}
