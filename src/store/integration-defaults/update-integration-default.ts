import type { Selectable } from 'kysely';
import type { Db, IntegrationDefaultConfigsTable } from '../database.js';

export interface IntegrationDefaultPatch {
  readonly enabled?: boolean | undefined;
  readonly priority?: number | undefined;
  readonly retry_count?: number | undefined;
  readonly retry_delay_seconds?: number | undefined;
  /** Replaces the default's config object. */
  readonly config?: Readonly<Record<string, unknown>> | undefined;
}

/**
 * An operator's change to one default: the given fields change and the row becomes
 * operator-managed, so later starts keep it. Returns the row, or undefined when the type has no row.
 */
export async function updateIntegrationDefault(
  db: Db,
  args: { readonly integrationType: string; readonly patch: IntegrationDefaultPatch; readonly nowMs: number },
): Promise<Selectable<IntegrationDefaultConfigsTable> | undefined> {
  const { patch } = args;
  return db
    .updateTable('integration_default_configs')
    .set({
      managed_by: 'operator',
      updated_at: args.nowMs,
      ...(patch.enabled === undefined ? {} : { enabled: patch.enabled ? 1 : 0 }),
      ...(patch.priority === undefined ? {} : { priority: patch.priority }),
      ...(patch.retry_count === undefined ? {} : { retry_count: patch.retry_count }),
      ...(patch.retry_delay_seconds === undefined ? {} : { retry_delay_seconds: patch.retry_delay_seconds }),
      ...(patch.config === undefined ? {} : { config: JSON.stringify(patch.config) }),
    })
    .where('integration_type', '=', args.integrationType)
    .returningAll()
    .executeTakeFirst();
}
