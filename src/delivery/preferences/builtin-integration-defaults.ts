import type { IntegrationType } from '../integration-type.js';
import type { IntegrationSettings } from '../integration-settings.js';

/**
 * Seed 001's default table: priority and retries per integration type. `enabled` here is the
 * fallback only: at start SLACK, EMAIL and TEST are enabled from configuration and health checks,
 * WEBHOOK and SMS stay disabled (see compute-system-defaults).
 */
export const builtinIntegrationDefaults: Readonly<Record<IntegrationType, IntegrationSettings>> = {
  SLACK: { enabled: false, priority: 1, retry_count: 3, retry_delay_seconds: 60, config: { thread_replies: false, mention_user: false, include_agent_info: true } },
  EMAIL: { enabled: false, priority: 2, retry_count: 3, retry_delay_seconds: 60, config: { include_agent_info: true, format: 'html' } },
  WEBHOOK: { enabled: false, priority: 3, retry_count: 1, retry_delay_seconds: 30, config: {} },
  SMS: { enabled: false, priority: 4, retry_count: 2, retry_delay_seconds: 45, config: {} },
  TEST: { enabled: false, priority: 5, retry_count: 1, retry_delay_seconds: 10, config: {} },
};
