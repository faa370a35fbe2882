import type { Selectable } from 'kysely';
import type { Db, WebhookEndpointSecretsTable } from '../database.js';

/** Every secret still valid at `nowMs` (no expiry, or expiring later), newest first, for all endpoints or one. */
export async function listValidSecrets(db: Db, nowMs: number, endpointId?: string): Promise<Selectable<WebhookEndpointSecretsTable>[]> {
  let query = db
    .selectFrom('webhook_endpoint_secrets')
    .selectAll()
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', nowMs)]));
  if (endpointId !== undefined) query = query.where('endpoint_id', '=', endpointId);
  return query.orderBy('created_at', 'desc').orderBy('secret_id', 'desc').execute();
}
