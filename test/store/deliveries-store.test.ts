import { DELIVERY_JOB_MAX_CLAIMS } from '../../src/delivery/dispatch/delivery-queue.js';
import type { Selectable } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deliveryJob } from '../../src/delivery/notifications/prepare-notification.js';
import type { DeliveryAttemptsTable, DeliveryLogsTable, DeliveryStatus } from '../../src/store/database.js';
import { findDelivery } from '../../src/store/deliveries/find-delivery.js';
import { listDeliveries } from '../../src/store/deliveries/list-deliveries.js';
import { loadDeliveriesForSend } from '../../src/store/deliveries/load-deliveries-for-send.js';
import { retryDeliveries } from '../../src/store/deliveries/retry-deliveries.js';
import type { DeliveryFilter } from '../../src/store/deliveries/delivery-filter.js';
import type { Store } from '../../src/store/store.js';
import { dialects, openTestStore } from '../support/test-database.js';
import { countRows, deliveryJobs, deliveryRow, idAt, notificationRow } from './delivery-fixtures.js';
import { BASE_MS } from './ingest-fixtures.js';

const NOW = BASE_MS + 3_600_000;
const EXPIRE = 7_200_000;

const N1 = idAt(0);
const N2 = idAt(1);

/** A delivery created `offset` ms after BASE_MS (its id sorts by that), in a given state. */
function seeded(offset: number, status: DeliveryStatus, overrides: Partial<Selectable<DeliveryLogsTable>> = {}): Selectable<DeliveryLogsTable> {
  const gaveUp = status === 'FAILED' || status === 'EXPIRED' || status === 'SUCCESS';
  return deliveryRow(idAt(offset, 1), N1, {
    status,
    created_at: BASE_MS + offset,
    updated_at: BASE_MS + offset + 500,
    attempts: status === 'PENDING' ? 0 : 3,
    retry_base: 1,
    next_attempt_at: gaveUp ? null : BASE_MS + offset + 1_000,
    last_status_code: status === 'SUCCESS' ? 200 : 503,
    error_code: status === 'SUCCESS' ? null : 'http_503',
    error_message: status === 'SUCCESS' ? null : 'Service Unavailable',
    finished_at: gaveUp ? BASE_MS + offset + 500 : null,
    expires_at: BASE_MS + offset + 60_000,
    // One delivery per (notification, user, sequence): the offset keeps them apart.
    sequence: offset,
    ...overrides,
  });
}

describe.each(dialects)('deliveries store (%s)', (dialect) => {
  let store: Store;
  let close: () => Promise<void>;
  beforeEach(async () => {
    ({ store, close } = await openTestStore(dialect));
    await store.db
      .insertInto('notifications')
      .values([notificationRow(N1), notificationRow(N2, { subject: null, data: null, strategy: 'first_success', plan: JSON.stringify({ u2: ['SMS', 'EMAIL'] }), created_at: BASE_MS + 1 })])
      .execute();
  });
  afterEach(async () => {
    await close();
  });

  const insert = (rows: readonly Selectable<DeliveryLogsTable>[]) => store.db.insertInto('delivery_logs').values(rows).execute();
  const all = () => store.db.selectFrom('delivery_logs').selectAll().orderBy('delivery_id').execute();
  const retry = (select: Parameters<typeof retryDeliveries>[1]['select'], nowMs = NOW) =>
    store.db.transaction().execute((trx) => retryDeliveries(trx, { select, expireAfterMs: EXPIRE, job: (id) => deliveryJob(id, nowMs), nowMs }));
  /** What a retry makes of a row. */
  const restarted = (row: Selectable<DeliveryLogsTable>, nowMs = NOW): Selectable<DeliveryLogsTable> => ({
    ...row,
    status: 'PENDING',
    retry_base: row.attempts,
    next_attempt_at: nowMs,
    error_code: null,
    error_message: null,
    finished_at: null,
    expires_at: nowMs + EXPIRE,
    updated_at: nowMs,
  });

  describe('retryDeliveries', () => {
    const failed = seeded(10, 'FAILED');
    const expired = seeded(20, 'EXPIRED', { attempts: 0, last_status_code: null, error_code: 'expired' });
    const success = seeded(30, 'SUCCESS');
    const pending = seeded(40, 'PENDING');
    const retrying = seeded(50, 'RETRYING');

    it('restarts the given FAILED and EXPIRED deliveries, each with one new job, and leaves the others alone', async () => {
      await insert([failed, expired, success, pending, retrying]);

      const ids = await retry({ ids: [retrying.delivery_id, expired.delivery_id, success.delivery_id, failed.delivery_id, pending.delivery_id, idAt(999, 1)] });

      expect(ids).toEqual([failed.delivery_id, expired.delivery_id]);
      expect(await all()).toEqual([restarted(failed), restarted(expired), success, pending, retrying]);
      expect(await deliveryJobs(store.db)).toEqual([
        { delivery_id: failed.delivery_id, status: 'pending', run_at: NOW, max_attempts: DELIVERY_JOB_MAX_CLAIMS },
        { delivery_id: expired.delivery_id, status: 'pending', run_at: NOW, max_attempts: DELIVERY_JOB_MAX_CLAIMS },
      ]);
    });

    it('restarts nothing for no ids, unknown ids, or ids of deliveries still in progress or sent', async () => {
      await insert([success, pending, retrying]);
      expect(await retry({ ids: [] })).toEqual([]);
      expect(await retry({ ids: [idAt(999, 1)] })).toEqual([]);
      expect(await retry({ ids: [success.delivery_id, pending.delivery_id, retrying.delivery_id] })).toEqual([]);
      expect(await all()).toEqual([success, pending, retrying]);
      expect(await countRows(store.db, 'jobs')).toBe(0);
    });

    it('restarts a delivery once: a second retry finds it PENDING', async () => {
      await insert([failed]);
      expect(await retry({ ids: [failed.delivery_id, failed.delivery_id] })).toEqual([failed.delivery_id]);
      expect(await retry({ ids: [failed.delivery_id] }, NOW + 1)).toEqual([]);
      expect(await all()).toEqual([restarted(failed)]);
      expect(await countRows(store.db, 'jobs')).toBe(1);
    });

    it('restarts a delivery once when two transactions retry it at the same time', async () => {
      await insert([failed, expired]);
      const select = { ids: [failed.delivery_id, expired.delivery_id] };

      const [a, b] = await Promise.all([retry(select), retry(select)]);

      expect([...a, ...b].sort()).toEqual([failed.delivery_id, expired.delivery_id]);
      expect(await countRows(store.db, 'jobs')).toBe(2);
      expect(await all()).toEqual([restarted(failed), restarted(expired)]);
    });

    it('counts the retry budget from the attempts made so far', async () => {
      await insert([seeded(10, 'FAILED', { attempts: 7, retry_base: 4 })]);
      await retry({ ids: [idAt(10, 1)] });
      expect((await all())[0]).toMatchObject({ attempts: 7, retry_base: 7, status: 'PENDING' });
    });

    describe('by filter', () => {
      // Oldest first: u1/EMAIL/N1 FAILED, EXPIRED; u2/SMS/N2 FAILED; u1/SLACK/N1 FAILED; and not retryable ones in between.
      const rows = [
        seeded(100, 'FAILED'),
        seeded(200, 'SUCCESS'),
        seeded(300, 'EXPIRED'),
        seeded(400, 'FAILED', { user_id: 'u2', integration_type: 'SMS', notification_id: N2 }),
        seeded(500, 'RETRYING'),
        seeded(600, 'FAILED', { integration_type: 'SLACK' }),
        seeded(700, 'PENDING', { user_id: 'u2' }),
      ];
      const id = (offset: number) => idAt(offset, 1);
      const byFilter = (filter: DeliveryFilter, limit = 100) => retry({ filter, limit });

      beforeEach(async () => {
        await insert(rows);
      });

      it('restarts every FAILED and EXPIRED delivery for an empty filter', async () => {
        expect(await byFilter({})).toEqual([id(100), id(300), id(400), id(600)]);
        expect((await all()).map((row) => row.status)).toEqual(['PENDING', 'SUCCESS', 'PENDING', 'PENDING', 'RETRYING', 'PENDING', 'PENDING']);
        expect((await deliveryJobs(store.db)).map((job) => job.delivery_id)).toEqual([id(100), id(300), id(400), id(600)]);
      });

      it('narrows by status, channel, user, notification and creation time', async () => {
        expect(await byFilter({ status: 'EXPIRED' })).toEqual([id(300)]);
        expect(await byFilter({ integrationType: 'SLACK' })).toEqual([id(600)]);
        expect(await byFilter({ userId: 'u2' })).toEqual([id(400)]);
        // createdFromMs is inclusive, createdBeforeMs exclusive.
        expect(await byFilter({ createdFromMs: BASE_MS + 100, createdBeforeMs: BASE_MS + 400 })).toEqual([id(100)]);
        expect(await byFilter({ notificationId: N1 })).toEqual([]);
        await store.db.updateTable('delivery_logs').set({ status: 'FAILED' }).where('delivery_id', 'in', [id(100), id(600)]).execute();
        expect(await byFilter({ notificationId: N1, status: 'FAILED', integrationType: 'EMAIL' })).toEqual([id(100)]);
        expect(await countRows(store.db, 'jobs')).toBe(5);
      });

      it('restarts nothing when the filter asks for a status that is not retryable', async () => {
        for (const status of ['SUCCESS', 'PENDING', 'RETRYING'] as const) expect(await byFilter({ status })).toEqual([]);
        expect(await all()).toEqual(rows);
        expect(await countRows(store.db, 'jobs')).toBe(0);
      });

      it('takes up to `limit` deliveries, oldest first', async () => {
        expect(await byFilter({}, 2)).toEqual([id(100), id(300)]);
        expect(await byFilter({}, 1)).toEqual([id(400)]);
        expect(await byFilter({ status: 'FAILED' }, 5)).toEqual([id(600)]);
        expect(await byFilter({}, 5)).toEqual([]);
        expect(await countRows(store.db, 'jobs')).toBe(4);
      });
    });
  });

  describe('listDeliveries', () => {
    const rows = [
      seeded(100, 'SUCCESS'),
      seeded(200, 'FAILED', { integration_type: 'SMS' }),
      seeded(300, 'PENDING', { user_id: 'u2', notification_id: N2 }),
      seeded(400, 'SUCCESS', { user_id: 'u2', integration_type: 'SMS', notification_id: N2 }),
      seeded(500, 'RETRYING'),
    ];
    const id = (offset: number) => idAt(offset, 1);
    const list = async (args: Parameters<typeof listDeliveries>[1]) => (await listDeliveries(store.db, args)).map((row) => row.delivery_id);

    beforeEach(async () => {
      await insert(rows);
    });

    it('lists newest first, whole rows, up to the limit', async () => {
      expect(await listDeliveries(store.db, { limit: 10 })).toEqual([...rows].reverse());
      expect(await list({ limit: 2 })).toEqual([id(500), id(400)]);
    });

    it('narrows by user, status, channel, notification and creation time', async () => {
      expect(await list({ limit: 10, userId: 'u2' })).toEqual([id(400), id(300)]);
      expect(await list({ limit: 10, status: 'SUCCESS' })).toEqual([id(400), id(100)]);
      expect(await list({ limit: 10, integrationType: 'SMS' })).toEqual([id(400), id(200)]);
      expect(await list({ limit: 10, notificationId: N1 })).toEqual([id(500), id(200), id(100)]);
      expect(await list({ limit: 10, createdFromMs: BASE_MS + 200, createdBeforeMs: BASE_MS + 400 })).toEqual([id(300), id(200)]);
      expect(await list({ limit: 10, userId: 'u2', status: 'SUCCESS', integrationType: 'SMS', notificationId: N2 })).toEqual([id(400)]);
      expect(await list({ limit: 10, userId: 'u3' })).toEqual([]);
    });

    it('pages with a cursor: deliveries older than `beforeId`', async () => {
      expect(await list({ limit: 2, beforeId: id(500) })).toEqual([id(400), id(300)]);
      expect(await list({ limit: 2, beforeId: id(300) })).toEqual([id(200), id(100)]);
      expect(await list({ limit: 2, beforeId: id(100) })).toEqual([]);
      expect(await list({ limit: 10, beforeId: id(400), userId: 'u2' })).toEqual([id(300)]);
    });

    it('pages with an offset', async () => {
      expect(await list({ limit: 2, offset: 0 })).toEqual([id(500), id(400)]);
      expect(await list({ limit: 2, offset: 2 })).toEqual([id(300), id(200)]);
      expect(await list({ limit: 2, offset: 4 })).toEqual([id(100)]);
      expect(await list({ limit: 2, offset: 5 })).toEqual([]);
      expect(await list({ limit: 10, offset: 1, status: 'SUCCESS' })).toEqual([id(100)]);
    });
  });

  describe('findDelivery', () => {
    const attempt = (deliveryId: string, n: number): DeliveryAttemptsTable => ({
      delivery_id: deliveryId,
      attempt: n,
      started_at: BASE_MS + n * 1_000,
      latency_ms: 40 + n,
      outcome: n < 3 ? 'failed' : 'sent',
      status_code: n < 3 ? 503 : 200,
      error_code: n < 3 ? 'http_503' : null,
      error_message: n < 3 ? 'Service Unavailable' : null,
      provider_message_id: n < 3 ? null : 'msg-3',
    });

    it('returns the delivery with its attempts oldest first, only its own', async () => {
      const mine = seeded(10, 'SUCCESS');
      const other = seeded(20, 'FAILED');
      await insert([mine, other]);
      await store.db
        .insertInto('delivery_attempts')
        .values([attempt(mine.delivery_id, 3), attempt(other.delivery_id, 1), attempt(mine.delivery_id, 1), attempt(mine.delivery_id, 2)])
        .execute();

      expect(await findDelivery(store.db, mine.delivery_id)).toEqual({ delivery: mine, attempts: [1, 2, 3].map((n) => attempt(mine.delivery_id, n)) });
      expect(await findDelivery(store.db, other.delivery_id)).toEqual({ delivery: other, attempts: [attempt(other.delivery_id, 1)] });
    });

    it('returns no attempts for a delivery not tried yet, and undefined for an unknown id', async () => {
      const fresh = seeded(10, 'PENDING');
      await insert([fresh]);
      expect(await findDelivery(store.db, fresh.delivery_id)).toEqual({ delivery: fresh, attempts: [] });
      expect(await findDelivery(store.db, idAt(999, 1))).toBeUndefined();
    });
  });

  describe('loadDeliveriesForSend', () => {
    it('loads each delivery with its notification fields, keyed by delivery id; unknown ids are absent', async () => {
      const first = seeded(10, 'PENDING');
      const second = seeded(20, 'RETRYING', { notification_id: N2, user_id: 'u2', integration_type: 'SMS', progress: JSON.stringify({ segments_sent: 1 }) });
      await insert([first, second, seeded(30, 'PENDING')]);

      const loaded = await loadDeliveriesForSend(store.db, [first.delivery_id, second.delivery_id, idAt(999, 1)]);

      expect([...loaded.keys()].sort()).toEqual([first.delivery_id, second.delivery_id]);
      const n1 = notificationRow(N1);
      const n2 = notificationRow(N2, { subject: null, data: null, strategy: 'first_success', plan: JSON.stringify({ u2: ['SMS', 'EMAIL'] }), created_at: BASE_MS + 1 });
      const pick = (n: typeof n1) => ({ id: n.id, subject: n.subject, body: n.body, data: n.data, strategy: n.strategy, plan: n.plan, created_at: n.created_at });
      expect(loaded.get(first.delivery_id)).toEqual({ delivery: first, notification: pick(n1) });
      expect(loaded.get(second.delivery_id)).toEqual({ delivery: second, notification: pick(n2) });
    });

    it('loads one id, and nothing for none', async () => {
      const only = seeded(10, 'PENDING');
      await insert([only]);
      expect([...(await loadDeliveriesForSend(store.db, [only.delivery_id])).values()]).toEqual([
        { delivery: only, notification: { id: N1, subject: 'Disk almost full', body: 'db-1 is at 91%', data: JSON.stringify({ host: 'db-1' }), strategy: 'all', plan: JSON.stringify({ u1: ['EMAIL'] }), created_at: BASE_MS } },
      ]);
      expect((await loadDeliveriesForSend(store.db, [])).size).toBe(0);
      expect((await loadDeliveriesForSend(store.db, [idAt(999, 1)])).size).toBe(0);
    });
  });
});
