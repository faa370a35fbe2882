import type { Selectable } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TestDeliveriesTable } from '../../src/store/database.js';
import { insertTestDelivery } from '../../src/store/test-deliveries/insert-test-delivery.js';
import { listTestDeliveries } from '../../src/store/test-deliveries/list-test-deliveries.js';
import type { Store } from '../../src/store/store.js';
import { dialects, openTestStore } from '../support/test-database.js';
import { idAt } from './delivery-fixtures.js';
import { BASE_MS } from './ingest-fixtures.js';

/** What the TEST channel received for a delivery made `offset` ms after BASE_MS. */
function received(offset: number, userId: string, overrides: Partial<Selectable<TestDeliveriesTable>> = {}): Selectable<TestDeliveriesTable> {
  return {
    delivery_id: idAt(offset, 1),
    notification_id: idAt(offset),
    user_id: userId,
    subject: `subject ${offset}`,
    body: `body ${offset}`,
    data: JSON.stringify({ n: offset }),
    created_at: BASE_MS + offset,
    ...overrides,
  };
}

describe.each(dialects)('test deliveries store (%s)', (dialect) => {
  let store: Store;
  let close: () => Promise<void>;
  beforeEach(async () => {
    ({ store, close } = await openTestStore(dialect));
  });
  afterEach(async () => {
    await close();
  });

  const ids = async (args: Parameters<typeof listTestDeliveries>[1]) => (await listTestDeliveries(store.db, args)).map((row) => row.delivery_id);

  it('stores a delivery once: a second attempt of the same delivery keeps the first message', async () => {
    const first = received(10, 'u1', { subject: null, data: null });
    await insertTestDelivery(store.db, first);
    await insertTestDelivery(store.db, { ...first, body: 'sent again', created_at: BASE_MS + 99 });

    expect(await listTestDeliveries(store.db, { limit: 10 })).toEqual([first]);
  });

  it('lists newest first, of one user or all, after a cursor, up to the limit', async () => {
    const rows = [received(10, 'u1'), received(20, 'u2'), received(30, 'u1'), received(40, 'u1'), received(50, 'u2')];
    for (const row of [rows[2], rows[0], rows[4], rows[1], rows[3]]) await insertTestDelivery(store.db, row as Selectable<TestDeliveriesTable>);

    expect(await listTestDeliveries(store.db, { limit: 10 })).toEqual([...rows].reverse());
    expect(await ids({ limit: 10, userId: 'u1' })).toEqual([idAt(40, 1), idAt(30, 1), idAt(10, 1)]);
    expect(await ids({ limit: 2, userId: 'u1' })).toEqual([idAt(40, 1), idAt(30, 1)]);
    expect(await ids({ limit: 2, userId: 'u1', beforeId: idAt(30, 1) })).toEqual([idAt(10, 1)]);
    expect(await ids({ limit: 2, beforeId: idAt(40, 1) })).toEqual([idAt(30, 1), idAt(20, 1)]);
    expect(await ids({ limit: 10, beforeId: idAt(10, 1) })).toEqual([]);
    expect(await ids({ limit: 10, userId: 'nobody' })).toEqual([]);
  });
});
