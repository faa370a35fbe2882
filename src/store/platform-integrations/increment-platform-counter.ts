import type { Db } from '../database.js';

/** The per-connection counters seed 003 shows as `stats`. */
export type PlatformCounter = 'links_created' | 'meetings_scheduled';

/**
 * Adds one to a counter of the user's connection, in one statement (concurrent increments all
 * count). A user without a connection to the platform has no stats: nothing is counted and the
 * answer is false. `updated_at` is the connection's configuration time and stays.
 */
export async function incrementPlatformCounter(db: Db, args: { readonly userId: string; readonly platform: string; readonly counter: PlatformCounter }): Promise<boolean> {
  const { counter } = args;
  const result = await db
    .updateTable('platform_integrations')
    .set(counter, (eb) => eb(counter, '+', 1))
    .where('user_id', '=', args.userId)
    .where('platform', '=', args.platform)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}
