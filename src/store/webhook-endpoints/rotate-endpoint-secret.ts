import type { Db, WebhookEndpointSecretsTable } from '../database.js';

/**
 * Adds a new current secret and gives every older unexpired secret an expiry of `graceUntilMs`, so
 * senders still using the old one keep verifying until then. Run inside the caller's transaction.
 */
export async function rotateEndpointSecret(db: Db, secret: WebhookEndpointSecretsTable, graceUntilMs: number): Promise<void> {
  await db
    .updateTable('webhook_endpoint_secrets')
    .set({ expires_at: graceUntilMs })
    .where('endpoint_id', '=', secret.endpoint_id)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', graceUntilMs)]))
    .execute();
  await db.insertInto('webhook_endpoint_secrets').values(secret).execute();
  await db.updateTable('webhook_endpoints').set({ updated_at: secret.created_at }).where('endpoint_id', '=', secret.endpoint_id).execute();
}
