import type { Selectable } from 'kysely';
import type { SecretBox } from '../crypto/secret-box.js';
import type { PlatformIntegrationsTable } from '../store/database.js';
import type { PlatformHealth, PlatformStatus } from './platform-health.js';

/** A user's connection to a platform with its credentials decrypted. The credentials never leave the server. */
export interface PlatformIntegration {
  readonly user_id: string;
  readonly platform: string;
  readonly credentials: Readonly<Record<string, string>>;
  readonly settings: Readonly<Record<string, unknown>>;
  readonly status: PlatformStatus;
  readonly health: PlatformHealth | null;
  readonly meetings_scheduled: number;
  readonly links_created: number;
  readonly created_at: number;
  readonly updated_at: number;
}

/** Decodes a stored row: credentials decrypted, settings and health parsed. */
export function platformIntegrationFromRow(row: Selectable<PlatformIntegrationsTable>, secretBox: SecretBox): PlatformIntegration {
  return {
    user_id: row.user_id,
    platform: row.platform,
    credentials: decryptCredentials(row.credentials, secretBox),
    settings: JSON.parse(row.settings) as Record<string, unknown>,
    status: row.status as PlatformStatus,
    health: row.health === null ? null : (JSON.parse(row.health) as PlatformHealth),
    meetings_scheduled: row.meetings_scheduled,
    links_created: row.links_created,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

/** The credentials a ciphertext holds ({} for none). */
export function decryptCredentials(ciphertext: string | null, secretBox: SecretBox): Record<string, string> {
  return ciphertext === null ? {} : (JSON.parse(secretBox.decrypt(ciphertext)) as Record<string, string>);
}

/** The ciphertext stored for credentials: null for none, so an empty object stores nothing. */
export function encryptCredentials(credentials: Readonly<Record<string, string>>, secretBox: SecretBox): string | null {
  return Object.keys(credentials).length === 0 ? null : secretBox.encrypt(JSON.stringify(credentials));
}
