import type { Selectable } from 'kysely';
import type { Db, PlatformIntegrationsTable } from '../database.js';

/** One write of a user's connection to a platform. Counters are never written here (see incrementPlatformCounter). */
export interface PlatformIntegrationWrite {
  readonly userId: string;
  readonly platform: string;
  /** Ciphertext of the JSON credentials; null stores none; undefined keeps the stored ones (none for a new connection). */
  readonly credentials?: string | null | undefined;
  /** JSON object text. */
  readonly settings: string;
  readonly status: string;
  /** JSON text of the last health check, or null. */
  readonly health: string | null;
  readonly nowMs: number;
}

/**
 * Creates the user's connection to the platform (counters at 0) or changes the existing one in
 * place (created_at and counters kept); returns it and whether it was created.
 */
export async function upsertPlatformIntegration(
  db: Db,
  args: PlatformIntegrationWrite,
): Promise<{ readonly integration: Selectable<PlatformIntegrationsTable>; readonly created: boolean }> {
  const { userId, platform, nowMs } = args;
  const insert = () =>
    db
      .insertInto('platform_integrations')
      .values({
        user_id: userId,
        platform,
        credentials: args.credentials ?? null,
        settings: args.settings,
        status: args.status,
        health: args.health,
        meetings_scheduled: 0,
        links_created: 0,
        created_at: nowMs,
        updated_at: nowMs,
      })
      .onConflict((oc) => oc.columns(['user_id', 'platform']).doNothing())
      .returningAll()
      .executeTakeFirst();
  const inserted = await insert();
  if (inserted !== undefined) return { integration: inserted, created: true };
  const updated = await db
    .updateTable('platform_integrations')
    .set({
      ...(args.credentials === undefined ? {} : { credentials: args.credentials }),
      settings: args.settings,
      status: args.status,
      health: args.health,
      updated_at: nowMs,
    })
    .where('user_id', '=', userId)
    .where('platform', '=', platform)
    .returningAll()
    .executeTakeFirst();
  if (updated !== undefined) return { integration: updated, created: false };
  // Deleted between the two statements: the write creates it after all.
  const again = await insert();
  if (again === undefined) throw new Error(`the ${platform} connection of ${userId} changed twice while being saved`);
  return { integration: again, created: true };
}
