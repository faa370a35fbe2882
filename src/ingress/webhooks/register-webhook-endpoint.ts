import type { ErrorCode } from '../../core/errors/error-catalog.js';
import { newId } from '../../core/new-id.js';
import { generateWebhookSecret } from '../../crypto/generate-webhook-secret.js';
import { hashApiKey } from '../../crypto/hash-api-key.js';
import type { SecretBox } from '../../crypto/secret-box.js';
import type { WebhookEndpointsTable } from '../../store/database.js';
import type { Store } from '../../store/store.js';
import { findWebhookEndpoint } from '../../store/webhook-endpoints/find-webhook-endpoint.js';
import { findWebhookEndpointByPath } from '../../store/webhook-endpoints/find-webhook-endpoint-by-path.js';
import { insertWebhookEndpoint } from '../../store/webhook-endpoints/insert-webhook-endpoint.js';
import { getScheme, schemeNames } from '../verify/scheme-registry.js';
import type { EndpointRegistration } from './endpoint-registration.js';
import { parseCidr } from './ip-allowlist.js';
import { endpointFromRow, type WebhookEndpoint } from './webhook-endpoint.js';

export interface RegistrationDefaults {
  readonly maxPayloadBytes: number;
  readonly toleranceSeconds: number;
  readonly rateLimit: { readonly requests: number; readonly per_seconds: number } | undefined;
}

export type RegistrationOutcome =
  | { readonly ok: true; readonly endpoint: WebhookEndpoint; /** Present only when Switchboard generated it: shown once. */ readonly generatedSecret?: string }
  | { readonly ok: false; readonly code: ErrorCode; readonly message: string };

/**
 * Paths an endpoint may not claim, because Switchboard's own API lives there. An endpoint `path`
 * must also be unique across endpoints (a 409 otherwise).
 */
const RESERVED_PATH_PREFIXES = ['/api/', '/integration/', '/health', '/metrics', '/docs', '/openapi.json', '/agents/'];

/** A registration checked and turned into rows, before it is stored. */
export type PreparedEndpoint =
  | {
      readonly ok: true;
      readonly row: WebhookEndpointsTable;
      /** The secret to store (given, or generated); undefined for schemes without one. */
      readonly secret: string | undefined;
      readonly generatedSecret?: string;
    }
  | { readonly ok: false; readonly code: ErrorCode; readonly message: string };

/**
 * Checks everything about a registration that needs no store (id, scheme and options, API key,
 * allowlist, path) and builds its endpoint row; the API key is hashed here, the secret is left to the caller.
 */
export function prepareEndpointRegistration(registration: EndpointRegistration, defaults: RegistrationDefaults, nowMs: number): PreparedEndpoint {
  // POST /integration/webhooks/register is the registration route itself, so no endpoint could receive there.
  if (registration.endpoint_id === 'register') {
    return { ok: false, code: 'validation_failed', message: 'endpoint_id: "register" is reserved (POST /integration/webhooks/register registers endpoints).' };
  }
  const { scheme: schemeName, ...rawOptions } = registration.verification ?? { scheme: 'standard-webhooks' };
  const scheme = getScheme(schemeName);
  if (scheme === undefined) {
    return { ok: false, code: 'verification_invalid', message: `Unknown verification scheme "${schemeName}". Known: ${schemeNames.join(', ')}.` };
  }
  const options = { ...rawOptions };
  if (options['tolerance_seconds'] === undefined && schemeUsesTimestamps(schemeName, options)) options['tolerance_seconds'] = defaults.toleranceSeconds;
  const parsed = scheme.parseOptions(options);
  if (!parsed.ok) return { ok: false, code: 'verification_invalid', message: `verification: ${parsed.message}` };
  if (schemeName === 'none' && registration.allow_unsigned !== true) {
    return { ok: false, code: 'unsigned_not_allowed', message: 'Scheme "none" accepts unsigned requests; set allow_unsigned: true to confirm.' };
  }
  if (schemeName === 'api-key' && registration.api_key === undefined) {
    return { ok: false, code: 'verification_invalid', message: 'verification: scheme "api-key" needs api_key.' };
  }
  const badCidr = (registration.ip_allowlist ?? []).find((cidr) => parseCidr(cidr) === undefined);
  if (badCidr !== undefined) return { ok: false, code: 'validation_failed', message: `ip_allowlist: "${badCidr}" is not an IPv4 or IPv6 address or CIDR.` };
  if (registration.path !== undefined && RESERVED_PATH_PREFIXES.some((prefix) => registration.path?.startsWith(prefix))) {
    return { ok: false, code: 'validation_failed', message: `path: "${registration.path}" is reserved for Switchboard's own API.` };
  }
  const generatedSecret = scheme.usesSecret && registration.secret === undefined ? generateWebhookSecret() : undefined;
  const row: WebhookEndpointsTable = {
    endpoint_id: registration.endpoint_id,
    url: registration.url ?? null,
    path: registration.path ?? null,
    events: JSON.stringify(registration.events ?? []),
    retry_config: registration.retry_config === undefined ? null : JSON.stringify(registration.retry_config),
    verification: JSON.stringify({ scheme: schemeName, ...options }),
    api_key_hash: registration.api_key === undefined ? null : hashApiKey(registration.api_key),
    verify_token_hash: registration.verify_token === undefined ? null : hashApiKey(registration.verify_token),
    split: registration.split === undefined ? null : JSON.stringify({ json_pointer: registration.split.json_pointer, max_items: registration.split.max_items ?? 1000 }),
    content_types: registration.content_types === undefined ? null : JSON.stringify(registration.content_types.map((type) => type.toLowerCase())),
    ip_allowlist: JSON.stringify(registration.ip_allowlist ?? []),
    rate_limit: registration.rate_limit === undefined && defaults.rateLimit === undefined ? null : JSON.stringify(registration.rate_limit ?? defaults.rateLimit),
    idempotency: registration.idempotency === undefined ? null : JSON.stringify(registration.idempotency),
    event_type: registration.event_type === undefined ? null : JSON.stringify(registration.event_type),
    max_payload_bytes: registration.max_payload_bytes ?? defaults.maxPayloadBytes,
    allow_unsigned: registration.allow_unsigned === true ? 1 : 0,
    active: 1,
    created_at: nowMs,
    updated_at: nowMs,
  };
  return { ok: true, row, secret: registration.secret ?? generatedSecret, ...(generatedSecret === undefined ? {} : { generatedSecret }) };
}

/** Validates a registration, encrypts its secret, hashes its API key, and stores it. */
export async function registerWebhookEndpoint(
  store: Store,
  secretBox: SecretBox,
  registration: EndpointRegistration,
  defaults: RegistrationDefaults,
  nowMs: number,
): Promise<RegistrationOutcome> {
  const prepared = prepareEndpointRegistration(registration, defaults, nowMs);
  if (!prepared.ok) return prepared;
  if (registration.path !== undefined && (await findWebhookEndpointByPath(store.db, registration.path)) !== undefined) {
    return { ok: false, code: 'path_taken', message: `path: "${registration.path}" is already used by another endpoint.` };
  }
  if ((await findWebhookEndpoint(store.db, registration.endpoint_id)) !== undefined) {
    return { ok: false, code: 'endpoint_exists', message: `Endpoint "${registration.endpoint_id}" already exists.` };
  }
  const { row, secret, generatedSecret } = prepared;
  const secretRow =
    secret === undefined
      ? undefined
      : { secret_id: newId(nowMs), endpoint_id: registration.endpoint_id, secret_ciphertext: secretBox.encrypt(secret), created_at: nowMs, expires_at: null };
  let inserted: boolean;
  try {
    inserted = await store.db.transaction().execute((trx) => insertWebhookEndpoint(trx, row, secretRow));
  } catch (error) {
    // A concurrent registration claimed the same path between our check and the insert.
    if (registration.path !== undefined && (await findWebhookEndpointByPath(store.db, registration.path)) !== undefined) {
      return { ok: false, code: 'path_taken', message: `path: "${registration.path}" is already used by another endpoint.` };
    }
    throw error;
  }
  if (!inserted) return { ok: false, code: 'endpoint_exists', message: `Endpoint "${registration.endpoint_id}" already exists.` };
  const stored = await findWebhookEndpoint(store.db, registration.endpoint_id);
  if (stored === undefined) throw new Error('Endpoint vanished right after insert');
  return { ok: true, endpoint: endpointFromRow(stored), ...(generatedSecret === undefined ? {} : { generatedSecret }) };
}

/** Schemes that sign a timestamp take the configured default tolerance (generic hmac only with a timestamp header). */
function schemeUsesTimestamps(name: string, options: Readonly<Record<string, unknown>>): boolean {
  if (name === 'hmac') return options['timestamp_header'] !== undefined;
  return ['standard-webhooks', 'chainsync', 'botlyne', 'stripe', 'slack', 'calendly'].includes(name);
}
