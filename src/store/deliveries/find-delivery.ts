import type { Selectable } from 'kysely';
import type { Db, DeliveryAttemptsTable, DeliveryLogsTable } from '../database.js';

/** One delivery with every attempt, oldest first; undefined when there is no such delivery. */
export async function findDelivery(
  db: Db,
  deliveryId: string,
): Promise<{ readonly delivery: Selectable<DeliveryLogsTable>; readonly attempts: Selectable<DeliveryAttemptsTable>[] } | undefined> {
  const delivery = await db.selectFrom('delivery_logs').selectAll().where('delivery_id', '=', deliveryId).executeTakeFirst();
  if (delivery === undefined) return undefined;
  const attempts = await db.selectFrom('delivery_attempts').selectAll().where('delivery_id', '=', deliveryId).orderBy('attempt').execute();
  return { delivery, attempts };
}
