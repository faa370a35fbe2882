import type { Selectable } from 'kysely';
import type { Clock } from '../../core/clock.js';
import { newId } from '../../core/new-id.js';
import { generateWebhookSecret } from '../../crypto/generate-webhook-secret.js';
import type { SecretBox } from '../../crypto/secret-box.js';
import type { Db, UserIntegrationConfigsTable } from '../../store/database.js';
import { findUserOverrides } from '../../store/user-integrations/find-user-overrides.js';
import { insertUserOverride } from '../../store/user-integrations/insert-user-override.js';
import { replaceUserOverride } from '../../store/user-integrations/replace-user-override.js';
import type { ChannelRegistry } from '../channels/channel-registry.js';
import type { IntegrationType } from '../integration-type.js';
import type { UserOverride } from '../user-override.js';
import { configProblems } from './config-problems.js';
import { userOverrideFromRow } from './user-override-from-row.js';
import { userUrlKeys } from './user-url-keys.js';

/** The fields an override request may carry. `null` in `config` removes that key (partial updates). */
export interface OverrideFields {
  readonly enabled?: boolean | undefined;
  readonly priority?: number | null | undefined;
  readonly retry_count?: number | null | undefined;
  readonly retry_delay_seconds?: number | null | undefined;
  readonly config?: Readonly<Record<string, unknown>> | undefined;
}

export interface SaveOverrideDeps {
  readonly db: Db;
  readonly secretBox: SecretBox;
  readonly registry: ChannelRegistry;
  readonly clock: Clock;
  /** Checks a user-given URL before it is stored (see user-url-keys). */
  readonly checkUrl: (url: string) => { readonly ok: true } | { readonly ok: false; readonly message: string };
}

export type SaveOverrideOutcome =
  | {
      readonly ok: true;
      readonly created: boolean;
      readonly override: UserOverride;
      readonly id: string;
      /** A webhook secret generated because none was given: shown once, in this response only. */
      readonly generatedSecret?: string | undefined;
    }
  | { readonly ok: false; readonly problems: ReadonlyArray<{ readonly path: string; readonly message: string }> };

/**
 * Creates or changes one user's override of one integration. `replace` (POST) sets exactly the
 * given fields (the others follow the default, `enabled` is true unless given, `config` is replaced);
 * `merge` (PUT) changes only the given fields and merges `config` key by key into the existing one.
 * The resulting config is checked against the channel's schema and URL rules; secret keys are
 * encrypted into their own column. A WEBHOOK override with a URL and no secret gets a generated one.
 */
export async function saveUserOverride(
  deps: SaveOverrideDeps,
  args: { readonly userId: string; readonly type: IntegrationType; readonly fields: OverrideFields; readonly mode: 'replace' | 'merge' },
): Promise<SaveOverrideOutcome> {
  const { userId, type, fields, mode } = args;
  const channel = deps.registry[type];
  const [existingRow] = await findUserOverrides(deps.db, [userId]).then((rows) => rows.filter((row) => row.integration_type === type));
  const existing = existingRow === undefined ? undefined : userOverrideFromRow(existingRow, deps.secretBox);

  const previous = mode === 'merge' && existing !== undefined ? { ...existing.config, ...existing.secrets } : {};
  const config: Record<string, unknown> = { ...previous };
  for (const [key, value] of Object.entries(fields.config ?? {})) {
    if (value === null) delete config[key];
    else config[key] = value;
  }
  const problems = configProblems(channel, config, { prefix: 'config', secrets: 'allowed' });
  for (const key of userUrlKeys[type]) {
    const url = config[key];
    if (typeof url !== 'string') continue;
    const allowed = deps.checkUrl(url);
    if (!allowed.ok) problems.push({ path: `config.${key}`, message: allowed.message });
  }
  if (problems.length > 0) return { ok: false, problems };

  let generatedSecret: string | undefined;
  if (type === 'WEBHOOK' && typeof config['url'] === 'string' && config['secret'] === undefined) {
    generatedSecret = generateWebhookSecret();
    config['secret'] = generatedSecret;
  }
  const secrets = Object.fromEntries(Object.entries(config).filter(([key]) => channel.secretKeys.includes(key)));
  const plain = Object.fromEntries(Object.entries(config).filter(([key]) => !channel.secretKeys.includes(key)));
  const pick = <K extends 'priority' | 'retry_count' | 'retry_delay_seconds'>(key: K): number | null =>
    fields[key] !== undefined ? (fields[key] ?? null) : mode === 'merge' && existing !== undefined ? existing[key] : null;
  const nowMs = deps.clock.nowMs();
  const values = {
    user_id: userId,
    integration_type: type,
    enabled: (fields.enabled ?? (mode === 'merge' ? existing?.enabled : undefined) ?? true) ? 1 : 0,
    priority: pick('priority'),
    retry_count: pick('retry_count'),
    retry_delay_seconds: pick('retry_delay_seconds'),
    config: JSON.stringify(plain),
    secrets: Object.keys(secrets).length === 0 ? null : deps.secretBox.encrypt(JSON.stringify(secrets)),
    updated_at: nowMs,
  };
  let row: Selectable<UserIntegrationConfigsTable> | undefined;
  let created = false;
  if (existing === undefined) {
    row = await insertUserOverride(deps.db, { ...values, id: newId(nowMs), created_at: nowMs });
    created = row !== undefined;
  }
  // Exists (or another request created it a moment ago): change it in place.
  row ??= await replaceUserOverride(deps.db, values);
  if (row === undefined) throw new Error(`override of ${type} for ${userId} vanished while being saved`);
  return { ok: true, created, id: row.id, override: userOverrideFromRow(row, deps.secretBox), generatedSecret };
}
