import type { ActionsConfig } from '../config/actions-config-schema.js';
import type { Clock } from '../core/clock.js';
import type { Platform } from './platform.js';
import type { PlatformHealth } from './platform-health.js';
import { platformSpecs } from './platform-specs.js';

/** Checks one connection (its credentials and settings) against its platform and stamps the answer. */
export type PlatformHealthCheck = (platform: Platform, credentials: Readonly<Record<string, string>>, settings: Readonly<Record<string, unknown>>) => Promise<PlatformHealth>;

/**
 * The health check the API runs: the platform's own check (`GET /users/me` on Calendly, the phone
 * number on WhatsApp) with the connection's `access_token`, else the operator's default token,
 * which is what the actions would use for this user.
 */
export function createPlatformHealthCheck(actions: ActionsConfig, clock: Clock): PlatformHealthCheck {
  return async (platform, credentials, settings) => {
    const token = credentials['access_token'];
    const tokenSource = token !== undefined ? 'user' : actions[platform].access_token !== undefined ? 'default' : 'none';
    const result = await platformSpecs[platform].checkHealth(actions, token, settings);
    return { ...result, token_source: tokenSource, checked_at: new Date(clock.nowMs()).toISOString() };
  };
}
