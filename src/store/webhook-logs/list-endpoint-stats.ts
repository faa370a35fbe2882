import type { Selectable } from 'kysely';
import type { Db, WebhookEndpointStatsTable } from '../database.js';

/** The outcome counters of one endpoint (one row per outcome and reason). */
export async function listEndpointStats(db: Db, endpointId: string): Promise<Selectable<WebhookEndpointStatsTable>[]> {
  return db.selectFrom('webhook_endpoint_stats').selectAll().where('endpoint_id', '=', endpointId).execute();
}
