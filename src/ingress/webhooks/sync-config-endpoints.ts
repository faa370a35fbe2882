import { newId } from '../../core/new-id.js';
import type { SecretBox } from '../../crypto/secret-box.js';
import type { WebhookEndpointsTable } from '../../store/database.js';
import type { Store } from '../../store/store.js';
import { findWebhookEndpointByPath } from '../../store/webhook-endpoints/find-webhook-endpoint-by-path.js';
import { insertWebhookEndpoint } from '../../store/webhook-endpoints/insert-webhook-endpoint.js';
import { listValidSecrets } from '../../store/webhook-endpoints/list-valid-secrets.js';
import { replaceWebhookEndpoint } from '../../store/webhook-endpoints/replace-webhook-endpoint.js';
import { rotateEndpointSecret } from '../../store/webhook-endpoints/rotate-endpoint-secret.js';
import { getScheme } from '../verify/scheme-registry.js';
import type { EndpointRegistration } from './endpoint-registration.js';
import { prepareEndpointRegistration, type RegistrationDefaults } from './register-webhook-endpoint.js';

export type ConfigEndpointsSync = { readonly ok: true; readonly created: readonly string[]; readonly updated: readonly string[] } | { readonly ok: false; readonly message: string };

/**
 * Makes the endpoints declared in the config file (`endpoints:`) exist as declared: each is checked
 * like a registration (all or nothing), then created, or brought in line with the file when it exists
 * (an endpoint of the same id made through the API included). A declared secret that differs from
 * the current one replaces it at once; secrets must be declared (`secret: ${ENV_VAR}`), since a
 * generated one would be shown to nobody. Endpoints no longer in the file are left alone (deleting
 * one would refuse its sender's webhooks); remove them through the API.
 */
export async function syncConfigEndpoints(
  store: Store,
  secretBox: SecretBox,
  registrations: readonly EndpointRegistration[],
  defaults: RegistrationDefaults,
  nowMs: number,
): Promise<ConfigEndpointsSync> {
  const prepared: Array<{ readonly registration: EndpointRegistration; readonly row: WebhookEndpointsTable; readonly secret: string | undefined }> = [];
  const seen = new Set<string>();
  const pathOwners = new Map<string, string>();
  for (const [index, registration] of registrations.entries()) {
    const label = `endpoints[${index}] (${registration.endpoint_id})`;
    if (seen.has(registration.endpoint_id)) return { ok: false, message: `${label}: endpoint id declared twice` };
    seen.add(registration.endpoint_id);
    const result = prepareEndpointRegistration(registration, defaults, nowMs);
    if (!result.ok) return { ok: false, message: `${label}: ${result.message}` };
    const scheme = JSON.parse(result.row.verification) as { scheme: string };
    if (getScheme(scheme.scheme)?.usesSecret === true && registration.secret === undefined) {
      return { ok: false, message: `${label}: secret is required for an endpoint declared in the config file (e.g. secret: \${CHAINSYNC_WEBHOOK_SECRET})` };
    }
    if (registration.path !== undefined) {
      const declaredBy = pathOwners.get(registration.path);
      if (declaredBy !== undefined) return { ok: false, message: `${label}: path "${registration.path}" is also declared by endpoint "${declaredBy}"` };
      pathOwners.set(registration.path, registration.endpoint_id);
      const owner = await findWebhookEndpointByPath(store.db, registration.path);
      if (owner !== undefined && owner.endpoint_id !== registration.endpoint_id) return { ok: false, message: `${label}: path "${registration.path}" is already used by endpoint "${owner.endpoint_id}"` };
    }
    prepared.push({ registration, row: result.row, secret: result.secret });
  }
  const created: string[] = [];
  const updated: string[] = [];
  await store.db.transaction().execute(async (trx) => {
    for (const { registration, row, secret } of prepared) {
      const secretRow = (value: string) => ({ secret_id: newId(nowMs), endpoint_id: row.endpoint_id, secret_ciphertext: secretBox.encrypt(value), created_at: nowMs, expires_at: null });
      if (await insertWebhookEndpoint(trx, row, secret === undefined ? undefined : secretRow(secret))) {
        created.push(registration.endpoint_id);
        continue;
      }
      await replaceWebhookEndpoint(trx, row);
      if (secret !== undefined) {
        const current = await listValidSecrets(trx, nowMs, row.endpoint_id);
        const newest = current[0];
        if (newest === undefined || secretBox.decrypt(newest.secret_ciphertext) !== secret) await rotateEndpointSecret(trx, secretRow(secret), nowMs);
      }
      updated.push(registration.endpoint_id);
    }
  });
  return { ok: true, created, updated };
}
