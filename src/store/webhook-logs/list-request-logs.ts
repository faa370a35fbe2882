import type { Selectable } from 'kysely';
import type { Db, WebhookRequestLogsTable } from '../database.js';

/** One endpoint's request log, newest first, paged by id. */
export async function listRequestLogs(
  db: Db,
  endpointId: string,
  page: { readonly beforeId?: string | undefined; readonly limit: number },
): Promise<Selectable<WebhookRequestLogsTable>[]> {
  let query = db.selectFrom('webhook_request_logs').selectAll().where('endpoint_id', '=', endpointId);
  if (page.beforeId !== undefined) query = query.where('id', '<', page.beforeId);
  return query.orderBy('id', 'desc').limit(page.limit).execute();
}
