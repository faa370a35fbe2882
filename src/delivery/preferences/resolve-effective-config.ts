import { integrationTypes, type IntegrationType } from '../integration-type.js';
import type { IntegrationSettings } from '../integration-settings.js';
import type { UserOverride } from '../user-override.js';

/** What applies to one user for one integration: the override's fields where it sets them, else the default's. */
export interface EffectiveConfig extends IntegrationSettings {
  readonly source: 'override' | 'default';
  /** The override's secret config keys (never shown; merged into the channel's config only when sending). */
  readonly secrets: Readonly<Record<string, unknown>>;
  /** Fields the override leaves to the default (empty without an override). */
  readonly inherited: readonly (keyof IntegrationSettings)[];
}

/**
 * The one resolution of defaults and overrides, used by the API, by notification planning and by
 * the dispatcher at send time, so what the API shows is what is sent. Field by field: `enabled`
 * always comes from the override when there is one (a user who disables a channel never receives
 * on it), `priority` and the retry settings where the override sets them, and `config` is the
 * default's keys with the override's keys over them.
 */
export function resolveEffectiveConfig(defaults: IntegrationSettings, override: UserOverride | undefined): EffectiveConfig {
  if (override === undefined) return { ...defaults, source: 'default', secrets: {}, inherited: [] };
  const inherited: (keyof IntegrationSettings)[] = [];
  const pick = (field: 'priority' | 'retry_count' | 'retry_delay_seconds'): number => {
    const value = override[field];
    if (value !== null) return value;
    inherited.push(field);
    return defaults[field];
  };
  return {
    enabled: override.enabled,
    priority: pick('priority'),
    retry_count: pick('retry_count'),
    retry_delay_seconds: pick('retry_delay_seconds'),
    config: { ...defaults.config, ...override.config },
    source: 'override',
    secrets: override.secrets,
    inherited,
  };
}

/** Every integration type's effective config for one user. */
export function resolveEffectiveConfigs(
  defaults: Readonly<Record<IntegrationType, IntegrationSettings>>,
  overrides: readonly UserOverride[],
): Record<IntegrationType, EffectiveConfig> {
  const byType = new Map(overrides.map((override) => [override.integration_type, override]));
  return Object.fromEntries(integrationTypes.map((type) => [type, resolveEffectiveConfig(defaults[type], byType.get(type))])) as Record<IntegrationType, EffectiveConfig>;
}
