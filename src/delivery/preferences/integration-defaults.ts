import type { Selectable } from 'kysely';
import type { Db, DefaultsManager, IntegrationDefaultConfigsTable } from '../../store/database.js';
import { listIntegrationDefaults } from '../../store/integration-defaults/list-integration-defaults.js';
import { builtinIntegrationDefaults } from './builtin-integration-defaults.js';
import type { ChannelHealth } from '../channels/channel.js';
import { integrationTypes, type IntegrationType } from '../integration-type.js';
import type { IntegrationSettings } from '../integration-settings.js';

/** A stored default as the API shows it. */
export interface IntegrationDefault extends IntegrationSettings {
  readonly integration_type: IntegrationType;
  readonly managed_by: DefaultsManager;
  readonly health: ChannelHealth | null;
  readonly updated_at: number;
}

/** A stored default row, parsed. */
export function integrationDefaultFromRow(row: Selectable<IntegrationDefaultConfigsTable>): IntegrationDefault {
  return {
    integration_type: row.integration_type as IntegrationType,
    enabled: Number(row.enabled) === 1,
    priority: Number(row.priority),
    retry_count: Number(row.retry_count),
    retry_delay_seconds: Number(row.retry_delay_seconds),
    config: JSON.parse(row.config) as Record<string, unknown>,
    managed_by: row.managed_by,
    health: row.health === null ? null : (JSON.parse(row.health) as ChannelHealth),
    updated_at: Number(row.updated_at),
  };
}

/**
 * The integration defaults in memory (five rows, read on every notification and every send). The
 * API reloads after each change; other processes' changes arrive with `refresh`, which main calls
 * every `delivery.defaults_refresh_ms`.
 */
export class IntegrationDefaults {
  readonly #db: Db;
  #current: Readonly<Record<IntegrationType, IntegrationDefault>>;

  constructor(db: Db) {
    this.#db = db;
    // Until the first load: the built-in table, everything disabled.
    this.#current = Object.fromEntries(
      integrationTypes.map((type) => [type, { ...builtinIntegrationDefaults[type], integration_type: type, managed_by: 'system', health: null, updated_at: 0 }]),
    ) as Record<IntegrationType, IntegrationDefault>;
  }

  /** The defaults of every integration type. */
  all(): Readonly<Record<IntegrationType, IntegrationDefault>> {
    return this.#current;
  }

  /** Rereads the stored defaults; types without a row keep their built-in values. */
  async reload(): Promise<void> {
    const rows = await listIntegrationDefaults(this.#db);
    const next: Record<string, IntegrationDefault> = { ...this.#current };
    for (const row of rows) {
      if ((integrationTypes as readonly string[]).includes(row.integration_type)) next[row.integration_type] = integrationDefaultFromRow(row);
    }
    this.#current = next as Record<IntegrationType, IntegrationDefault>;
  }
}
