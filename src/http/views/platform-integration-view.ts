import type { PlatformIntegration } from '../../leads/platform-integration.js';

const iso = (ms: number): string => new Date(ms).toISOString();

/**
 * A user's connection to a platform as seed 003's API shows it. Credentials are never in it: only
 * which keys are set (`credentials_configured`).
 */
export function platformIntegrationView(integration: PlatformIntegration) {
  return {
    user_id: integration.user_id,
    platform: integration.platform,
    status: integration.status,
    settings: integration.settings,
    credentials_configured: Object.keys(integration.credentials).sort(),
    health: integration.health,
    stats: { meetings_scheduled: integration.meetings_scheduled, links_created: integration.links_created },
    created_at: iso(integration.created_at),
    updated_at: iso(integration.updated_at),
  };
}

/** What the list shows for a platform the user has not connected. */
export const notConnectedView = { status: 'not_connected' } as const;
