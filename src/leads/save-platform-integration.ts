import type { Clock } from '../core/clock.js';
import type { SecretBox } from '../crypto/secret-box.js';
import type { Db } from '../store/database.js';
import { findPlatformIntegration } from '../store/platform-integrations/find-platform-integration.js';
import { findUserByWhatsAppNumber } from '../store/platform-integrations/find-user-by-whatsapp-number.js';
import { upsertPlatformIntegration } from '../store/platform-integrations/upsert-platform-integration.js';
import type { PlatformHealthCheck } from './check-platform-health.js';
import type { Platform } from './platform.js';
import { statusFromHealth } from './platform-health.js';
import { decryptCredentials, encryptCredentials, platformIntegrationFromRow, type PlatformIntegration } from './platform-integration.js';
import { isSecretLookingKey, platformSpecs, type PlatformProblem } from './platform-specs.js';

export interface SavePlatformIntegrationDeps {
  readonly db: Db;
  readonly secretBox: SecretBox;
  readonly clock: Clock;
  readonly checkHealth: PlatformHealthCheck;
}

/** A connection request: credentials (strings) replace the stored ones when given; settings merge key by key, null removing a key. */
export interface PlatformIntegrationFields {
  readonly credentials?: Readonly<Record<string, unknown>> | undefined;
  readonly settings?: Readonly<Record<string, unknown>> | undefined;
}

/** Longer than any platform's token; a longer value is a mistake, not a credential. */
const maxCredentialLength = 4_096;

export type SavePlatformIntegrationOutcome =
  | { readonly ok: true; readonly created: boolean; readonly integration: PlatformIntegration }
  | { readonly ok: false; readonly problems: readonly PlatformProblem[] };

/**
 * Creates or changes a user's connection to a platform, then checks it with the platform and
 * stores the check with the connection in one write (status `connected`, `error` or
 * `not_configured`). Refused, with nothing written: a secret-looking key in settings (they are
 * stored in clear), a settings key in credentials (it would be hidden), a credential that is not a
 * string, settings the platform
 * cannot use, and a WhatsApp number another user has connected (inbound messages are matched to
 * their user by it). Credentials are encrypted before they are stored.
 */
export async function savePlatformIntegration(
  deps: SavePlatformIntegrationDeps,
  args: { readonly userId: string; readonly platform: Platform; readonly fields: PlatformIntegrationFields },
): Promise<SavePlatformIntegrationOutcome> {
  const { userId, platform, fields } = args;
  const spec = platformSpecs[platform];
  const problems: PlatformProblem[] = [];
  for (const key of Object.keys(fields.settings ?? {})) {
    if (isSecretLookingKey(key)) problems.push({ path: `settings.${key}`, message: 'looks like a secret: put it in credentials, which are encrypted at rest and never shown' });
  }
  for (const [key, value] of Object.entries(fields.credentials ?? {})) {
    if (spec.settingKeys.includes(key)) problems.push({ path: `credentials.${key}`, message: 'is not a secret: put it in settings' });
    else if (typeof value !== 'string' || value === '' || value.length > maxCredentialLength) problems.push({ path: `credentials.${key}`, message: `must be a non-empty string of at most ${maxCredentialLength} characters` });
  }

  const existing = await findPlatformIntegration(deps.db, { userId, platform });
  const settings: Record<string, unknown> = existing === undefined ? {} : (JSON.parse(existing.settings) as Record<string, unknown>);
  for (const [key, value] of Object.entries(fields.settings ?? {})) {
    if (value === null) delete settings[key];
    else settings[key] = value;
  }
  problems.push(...spec.settingsProblems(settings).map((problem) => ({ ...problem, path: `settings.${problem.path}` })));
  if (platform === 'whatsapp' && typeof settings['phone_number_id'] === 'string' && problems.length === 0) {
    const holder = await findUserByWhatsAppNumber(deps.db, { phoneNumberId: settings['phone_number_id'] });
    if (holder !== undefined && holder !== userId) problems.push({ path: 'settings.phone_number_id', message: 'is connected by another user: each WhatsApp number belongs to one user' });
  }
  if (problems.length > 0) return { ok: false, problems };

  const given = fields.credentials as Readonly<Record<string, string>> | undefined; // checked above: every value a string
  const credentials = given ?? decryptCredentials(existing?.credentials ?? null, deps.secretBox);
  const health = await deps.checkHealth(platform, credentials, settings);
  const { integration, created } = await upsertPlatformIntegration(deps.db, {
    userId,
    platform,
    // Undefined keeps the stored ciphertext: re-encrypting unchanged credentials would only churn it.
    credentials: given === undefined ? undefined : encryptCredentials(given, deps.secretBox),
    settings: JSON.stringify(settings),
    status: statusFromHealth(health),
    health: JSON.stringify(health),
    nowMs: deps.clock.nowMs(),
  });
  return { ok: true, created, integration: platformIntegrationFromRow(integration, deps.secretBox) };
}
