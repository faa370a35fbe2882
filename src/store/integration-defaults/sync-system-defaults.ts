import type { Db } from '../database.js';

export interface SystemDefaultRow {
  readonly integration_type: string;
  readonly enabled: boolean;
  readonly priority: number;
  readonly retry_count: number;
  readonly retry_delay_seconds: number;
  readonly config: Readonly<Record<string, unknown>>;
  /** JSON-serialisable health from this start. */
  readonly health: unknown;
}

/**
 * Writes the defaults computed at start: a missing row is inserted as system-managed; a
 * system-managed row takes the new values; an operator-managed row (changed through the API) keeps
 * its values and only records the new health. Safe to run from several processes at once.
 */
export async function syncSystemDefaults(db: Db, rows: readonly SystemDefaultRow[], nowMs: number): Promise<void> {
  for (const row of rows) {
    const values = {
      enabled: row.enabled ? 1 : 0,
      priority: row.priority,
      retry_count: row.retry_count,
      retry_delay_seconds: row.retry_delay_seconds,
      config: JSON.stringify(row.config),
      health: JSON.stringify(row.health),
      updated_at: nowMs,
    };
    await db
      .insertInto('integration_default_configs')
      .values({ integration_type: row.integration_type, ...values, managed_by: 'system', created_at: nowMs })
      .onConflict((oc) => oc.column('integration_type').doNothing())
      .execute();
    await db.updateTable('integration_default_configs').set(values).where('integration_type', '=', row.integration_type).where('managed_by', '=', 'system').execute();
    await db.updateTable('integration_default_configs').set({ health: values.health }).where('integration_type', '=', row.integration_type).where('managed_by', '=', 'operator').execute();
  }
}
