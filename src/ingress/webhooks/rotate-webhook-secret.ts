import { newId } from '../../core/new-id.js';
import { generateWebhookSecret } from '../../crypto/generate-webhook-secret.js';
import type { SecretBox } from '../../crypto/secret-box.js';
import type { Store } from '../../store/store.js';
import { findWebhookEndpoint } from '../../store/webhook-endpoints/find-webhook-endpoint.js';
import { rotateEndpointSecret } from '../../store/webhook-endpoints/rotate-endpoint-secret.js';

export type RotationOutcome =
  | { readonly ok: true; readonly secret: string; readonly previousExpiresAt: number; readonly generated: boolean }
  | { readonly ok: false; readonly code: 'endpoint_not_found' };

/** Makes a new current secret; older ones keep verifying for `graceSeconds`. */
export async function rotateWebhookSecret(
  store: Store,
  secretBox: SecretBox,
  endpointId: string,
  options: { readonly graceSeconds: number; readonly secret?: string | undefined },
  nowMs: number,
): Promise<RotationOutcome> {
  if ((await findWebhookEndpoint(store.db, endpointId)) === undefined) return { ok: false, code: 'endpoint_not_found' };
  const secret = options.secret ?? generateWebhookSecret();
  const previousExpiresAt = nowMs + options.graceSeconds * 1000;
  await store.db.transaction().execute((trx) =>
    rotateEndpointSecret(
      trx,
      { secret_id: newId(nowMs), endpoint_id: endpointId, secret_ciphertext: secretBox.encrypt(secret), created_at: nowMs, expires_at: null },
      previousExpiresAt,
    ),
  );
  return { ok: true, secret, previousExpiresAt, generated: options.secret === undefined };
}
