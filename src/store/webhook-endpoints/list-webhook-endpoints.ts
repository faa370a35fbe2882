import type { Selectable } from 'kysely';
import type { Db, WebhookEndpointsTable } from '../database.js';

/** Every endpoint, active or not, in id order. */
export async function listWebhookEndpoints(db: Db): Promise<Selectable<WebhookEndpointsTable>[]> {
  return db.selectFrom('webhook_endpoints').selectAll().orderBy('endpoint_id').execute();
}
