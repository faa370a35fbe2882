import { findPlatformIntegration } from '../store/platform-integrations/find-platform-integration.js';
import { recordPlatformHealth } from '../store/platform-integrations/record-platform-health.js';
import type { Platform } from './platform.js';
import { statusFromHealth } from './platform-health.js';
import { platformIntegrationFromRow, type PlatformIntegration } from './platform-integration.js';
import type { SavePlatformIntegrationDeps } from './save-platform-integration.js';

/** Checks a user's connection again and stores the result with its status; undefined when the user has not connected the platform. */
export async function refreshPlatformHealth(deps: SavePlatformIntegrationDeps, args: { readonly userId: string; readonly platform: Platform }): Promise<PlatformIntegration | undefined> {
  const row = await findPlatformIntegration(deps.db, args);
  if (row === undefined) return undefined;
  const current = platformIntegrationFromRow(row, deps.secretBox);
  const health = await deps.checkHealth(args.platform, current.credentials, current.settings);
  const updated = await recordPlatformHealth(deps.db, { ...args, status: statusFromHealth(health), health: JSON.stringify(health) });
  return updated === undefined ? undefined : platformIntegrationFromRow(updated, deps.secretBox);
}
