import type { SelectQueryBuilder, Selectable } from 'kysely';
import type { Database, Db, DeliveryLogsTable } from '../database.js';
import type { DeliveryFilter } from './delivery-filter.js';

/** Narrows a query over delivery_logs to a filter. */
export function whereDeliveryFilter<O>(qb: SelectQueryBuilder<Database, 'delivery_logs', O>, filter: DeliveryFilter): SelectQueryBuilder<Database, 'delivery_logs', O> {
  return qb
    .$if(filter.userId !== undefined, (q) => q.where('user_id', '=', filter.userId as string))
    .$if(filter.status !== undefined, (q) => q.where('status', '=', filter.status as DeliveryLogsTable['status']))
    .$if(filter.integrationType !== undefined, (q) => q.where('integration_type', '=', filter.integrationType as string))
    .$if(filter.notificationId !== undefined, (q) => q.where('notification_id', '=', filter.notificationId as string))
    .$if(filter.createdFromMs !== undefined, (q) => q.where('created_at', '>=', filter.createdFromMs as number))
    .$if(filter.createdBeforeMs !== undefined, (q) => q.where('created_at', '<', filter.createdBeforeMs as number));
}

/** Deliveries newest first (ids are time-ordered), after a cursor id or from an offset. */
export function listDeliveries(
  db: Db,
  args: DeliveryFilter & { readonly beforeId?: string | undefined; readonly offset?: number | undefined; readonly limit: number },
): Promise<Selectable<DeliveryLogsTable>[]> {
  return whereDeliveryFilter(db.selectFrom('delivery_logs').selectAll(), args)
    .$if(args.beforeId !== undefined, (q) => q.where('delivery_id', '<', args.beforeId as string))
    .orderBy('delivery_id', 'desc')
    .limit(args.limit)
    .$if(args.offset !== undefined && args.offset > 0, (q) => q.offset(args.offset as number))
    .execute();
}
