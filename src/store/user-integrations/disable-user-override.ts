import type { Db } from '../database.js';

/**
 * Turns one integration off for one user: the override's `enabled` becomes false, or an override
 * holding only `enabled: false` is created. Used when a receiver answers 410 Gone.
 */
export async function disableUserOverride(db: Db, args: { readonly id: string; readonly userId: string; readonly integrationType: string; readonly nowMs: number }): Promise<void> {
  await db
    .insertInto('user_integration_configs')
    .values({
      id: args.id,
      user_id: args.userId,
      integration_type: args.integrationType,
      enabled: 0,
      priority: null,
      retry_count: null,
      retry_delay_seconds: null,
      config: '{}',
      secrets: null,
      created_at: args.nowMs,
      updated_at: args.nowMs,
    })
    .onConflict((oc) => oc.columns(['user_id', 'integration_type']).doUpdateSet({ enabled: 0, updated_at: args.nowMs }))
    .execute();
}
