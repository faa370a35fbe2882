import type { Db } from '../database.js';

/** Marks an endpoint inactive (later requests get 410). Returns false when it does not exist. */
export async function deactivateWebhookEndpoint(db: Db, endpointId: string, nowMs: number): Promise<boolean> {
  const result = await db
    .updateTable('webhook_endpoints')
    .set({ active: 0, updated_at: nowMs })
    .where('endpoint_id', '=', endpointId)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}
