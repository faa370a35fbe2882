import type { Insertable } from 'kysely';
import type { Db, TestDeliveriesTable } from '../database.js';

/** Stores what the TEST channel received; a second attempt of the same delivery stores nothing new. */
export async function insertTestDelivery(db: Db, row: Insertable<TestDeliveriesTable>): Promise<void> {
  await db.insertInto('test_deliveries').values(row).onConflict((oc) => oc.column('delivery_id').doNothing()).execute();
}
