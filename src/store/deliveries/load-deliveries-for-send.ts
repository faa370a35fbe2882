import type { Selectable } from 'kysely';
import type { Db, DeliveryLogsTable, NotificationsTable } from '../database.js';

/** A delivery with what its notification says to send. */
export interface DeliveryForSend {
  readonly delivery: Selectable<DeliveryLogsTable>;
  readonly notification: Pick<Selectable<NotificationsTable>, 'id' | 'subject' | 'body' | 'data' | 'strategy' | 'plan' | 'created_at'>;
}

/** Loads deliveries with their notifications in one query, keyed by delivery id (missing ids are absent). */
export async function loadDeliveriesForSend(db: Db, deliveryIds: readonly string[]): Promise<Map<string, DeliveryForSend>> {
  const loaded = new Map<string, DeliveryForSend>();
  if (deliveryIds.length === 0) return loaded;
  const rows = await db
    .selectFrom('delivery_logs as d')
    .innerJoin('notifications as n', 'n.id', 'd.notification_id')
    .selectAll('d')
    .select(['n.subject', 'n.body', 'n.data', 'n.strategy', 'n.plan', 'n.created_at as notification_created_at'])
    .where(deliveryIds.length === 1 ? (eb) => eb('d.delivery_id', '=', deliveryIds[0] as string) : (eb) => eb('d.delivery_id', 'in', deliveryIds))
    .execute();
  for (const row of rows) {
    const { subject, body, data, strategy, plan, notification_created_at, ...delivery } = row;
    loaded.set(row.delivery_id, {
      delivery,
      notification: { id: delivery.notification_id, subject, body, data, strategy, plan, created_at: notification_created_at },
    });
  }
  return loaded;
}
