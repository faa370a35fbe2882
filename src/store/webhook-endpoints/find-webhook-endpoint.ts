import type { Selectable } from 'kysely';
import type { Db, WebhookEndpointsTable } from '../database.js';

/** One endpoint row by id, or undefined. */
export async function findWebhookEndpoint(db: Db, endpointId: string): Promise<Selectable<WebhookEndpointsTable> | undefined> {
  return db.selectFrom('webhook_endpoints').selectAll().where('endpoint_id', '=', endpointId).executeTakeFirst();
}
