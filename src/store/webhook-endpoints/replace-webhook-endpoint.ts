import type { Db, WebhookEndpointsTable } from '../database.js';

/** Sets every field of an existing endpoint to `row`'s (its created_at stays). Returns false when there is no such endpoint. */
export async function replaceWebhookEndpoint(db: Db, row: WebhookEndpointsTable): Promise<boolean> {
  const { endpoint_id: endpointId, created_at: _createdAt, ...fields } = row;
  const result = await db.updateTable('webhook_endpoints').set(fields).where('endpoint_id', '=', endpointId).executeTakeFirst();
  return result.numUpdatedRows > 0n;
}
