import type { DeliveryConfig } from '../../config/delivery-config-schema.js';
import type { ChannelHealth } from '../channels/channel.js';
import { builtinIntegrationDefaults } from './builtin-integration-defaults.js';
import { integrationTypes, type IntegrationType } from '../integration-type.js';
import type { IntegrationSettings } from '../integration-settings.js';

/** Whether a channel is on by default, from its start-up health (seed 001's Auto-Enabled column). */
const enabledByHealth: Readonly<Record<IntegrationType, (health: ChannelHealth) => boolean>> = {
  // Enabled when a bot token or incoming-webhook URL is configured and answers.
  SLACK: (health) => health.configured && health.healthy,
  // Enabled when SMTP is configured (an unreachable server is retried, not a reason to drop mail).
  EMAIL: (health) => health.configured,
  WEBHOOK: () => false,
  SMS: () => false,
  // Enabled when delivery.test.enabled is set.
  TEST: (health) => health.configured,
};

/**
 * The system-managed default of every integration type: the built-in table, the config file's
 * `delivery.defaults` fields over it, and `enabled` from the health checks unless the file sets it.
 */
export function computeSystemDefaults(
  config: DeliveryConfig['defaults'],
  health: Readonly<Record<IntegrationType, ChannelHealth>>,
): Record<IntegrationType, IntegrationSettings> {
  return Object.fromEntries(
    integrationTypes.map((type) => {
      const builtin = builtinIntegrationDefaults[type];
      const fromFile = config[type] ?? {};
      const settings: IntegrationSettings = {
        enabled: fromFile.enabled ?? enabledByHealth[type](health[type]),
        priority: fromFile.priority ?? builtin.priority,
        retry_count: fromFile.retry_count ?? builtin.retry_count,
        retry_delay_seconds: fromFile.retry_delay_seconds ?? builtin.retry_delay_seconds,
        config: { ...builtin.config, ...(fromFile.config ?? {}) },
      };
      return [type, settings];
    }),
  ) as Record<IntegrationType, IntegrationSettings>;
}
