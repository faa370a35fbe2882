import type { Selectable } from 'kysely';
import type { SecretBox } from '../../crypto/secret-box.js';
import type { UserIntegrationConfigsTable } from '../../store/database.js';
import type { IntegrationType } from '../integration-type.js';
import type { UserOverride } from '../user-override.js';

/** A stored override with its secrets decrypted. */
export function userOverrideFromRow(row: Selectable<UserIntegrationConfigsTable>, secretBox: SecretBox): UserOverride {
  return {
    user_id: row.user_id,
    integration_type: row.integration_type as IntegrationType,
    enabled: Number(row.enabled) === 1,
    priority: row.priority === null ? null : Number(row.priority),
    retry_count: row.retry_count === null ? null : Number(row.retry_count),
    retry_delay_seconds: row.retry_delay_seconds === null ? null : Number(row.retry_delay_seconds),
    config: JSON.parse(row.config) as Record<string, unknown>,
    secrets: row.secrets === null ? {} : (JSON.parse(secretBox.decrypt(row.secrets)) as Record<string, unknown>),
    created_at: Number(row.created_at),
    updated_at: Number(row.updated_at),
  };
}
