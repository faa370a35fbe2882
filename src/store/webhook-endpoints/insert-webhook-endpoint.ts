import type { Db, WebhookEndpointSecretsTable, WebhookEndpointsTable } from '../database.js';

/** Inserts an endpoint and its first secret. Returns false when the endpoint id already exists. */
export async function insertWebhookEndpoint(db: Db, endpoint: WebhookEndpointsTable, secret: WebhookEndpointSecretsTable | undefined): Promise<boolean> {
  const inserted = await db
    .insertInto('webhook_endpoints')
    .values(endpoint)
    .onConflict((oc) => oc.column('endpoint_id').doNothing())
    .returning('endpoint_id')
    .executeTakeFirst();
  if (inserted === undefined) return false;
  if (secret !== undefined) await db.insertInto('webhook_endpoint_secrets').values(secret).execute();
  return true;
}
