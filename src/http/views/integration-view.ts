import type { IntegrationDefault } from '../../delivery/preferences/integration-defaults.js';
import type { EffectiveConfig } from '../../delivery/preferences/resolve-effective-config.js';
import type { IntegrationSettings } from '../../delivery/integration-settings.js';
import type { UserOverride } from '../../delivery/user-override.js';

const iso = (ms: number): string => new Date(ms).toISOString();

/** Seed 001's shape of one integration's settings: never a secret, only which secret keys are set. */
function settingsView(settings: IntegrationSettings, secrets: Readonly<Record<string, unknown>>) {
  return {
    enabled: settings.enabled,
    priority: settings.priority,
    retry_count: settings.retry_count,
    retry_delay_seconds: settings.retry_delay_seconds,
    config: settings.config,
    ...(Object.keys(secrets).length === 0 ? {} : { configured_secrets: Object.keys(secrets).sort() }),
  };
}

/** An integration default as `GET /api/v1/integration-defaults` lists it. */
export function integrationDefaultView(value: IntegrationDefault) {
  return {
    ...settingsView(value, {}),
    integration_type: value.integration_type,
    managed_by: value.managed_by,
    health: value.health,
    updated_at: value.updated_at === 0 ? null : iso(value.updated_at),
  };
}

/** What applies to a user for one integration, and where it came from. */
export function effectiveConfigView(effective: EffectiveConfig) {
  return { ...settingsView(effective, effective.secrets), source: effective.source };
}

/**
 * A user's override as seed 001 shows it under `user_overrides`: every field, fields the override
 * leaves unset showing the default they follow (named in `inherited`), config with only the
 * override's own keys.
 */
export function userOverrideView(override: UserOverride, effective: EffectiveConfig, id?: string) {
  return {
    ...(id === undefined ? {} : { id }),
    user_id: override.user_id,
    integration_type: override.integration_type,
    ...settingsView({ ...effective, config: override.config }, override.secrets),
    inherited: effective.inherited,
    created_at: iso(override.created_at),
    updated_at: iso(override.updated_at),
  };
}
