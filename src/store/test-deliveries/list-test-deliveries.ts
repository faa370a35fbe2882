import type { Selectable } from 'kysely';
import type { Db, TestDeliveriesTable } from '../database.js';

/** TEST channel messages newest first, optionally of one user, after a cursor (a delivery id). */
export function listTestDeliveries(
  db: Db,
  args: { readonly userId?: string | undefined; readonly beforeId?: string | undefined; readonly limit: number },
): Promise<Selectable<TestDeliveriesTable>[]> {
  return db
    .selectFrom('test_deliveries')
    .selectAll()
    .$if(args.userId !== undefined, (qb) => qb.where('user_id', '=', args.userId as string))
    .$if(args.beforeId !== undefined, (qb) => qb.where('delivery_id', '<', args.beforeId as string))
    .orderBy('delivery_id', 'desc')
    .limit(args.limit)
    .execute();
}
