import type { Selectable } from 'kysely';
import type { Db, WebhookEndpointsTable } from '../database.js';

/** The endpoint listening on an extra path, or undefined. */
export async function findWebhookEndpointByPath(db: Db, path: string): Promise<Selectable<WebhookEndpointsTable> | undefined> {
  return db.selectFrom('webhook_endpoints').selectAll().where('path', '=', path).executeTakeFirst();
}
