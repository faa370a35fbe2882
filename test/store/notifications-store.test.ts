import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DELIVERY_JOB_MAX_CLAIMS } from '../../src/delivery/dispatch/delivery-queue.js';
import { commitNotifications, type NewNotification, type NotificationCommitOutcome } from '../../src/store/notifications/commit-notifications.js';
import { commitNotificationsPostgres } from '../../src/store/notifications/commit-notifications-postgres.js';
import { findNotification } from '../../src/store/notifications/find-notification.js';
import { listPendingOutbox } from '../../src/store/notify-outbox/list-pending-outbox.js';
import type { Store } from '../../src/store/store.js';
import { dialects, openTestStore } from '../support/test-database.js';
import { backendPid, countRows, deliveryJobs, holdTransaction, idAt, newNotification, notificationRow, outboxRow, waitUntilWaiting } from './delivery-fixtures.js';
import { BASE_MS } from './ingest-fixtures.js';

const NOW = BASE_MS + 60_000;

/** Each dialect with each implementation main uses or may use: the Kysely one (SQLite's writer thread) and PostgreSQL's single statement. */
const implementations = dialects.flatMap((dialect) => (dialect === 'postgres' ? [[dialect, 'kysely'], [dialect, 'single statement']] : [[dialect, 'kysely']]) as Array<[typeof dialect, string]>);

describe.each(implementations)('notifications store (%s, %s)', (dialect, implementation) => {
  let store: Store;
  let close: () => Promise<void>;
  beforeEach(async () => {
    ({ store, close } = await openTestStore(dialect));
  });
  afterEach(async () => {
    await close();
  });

  const commit = async (items: readonly NewNotification[], nowMs = NOW) => {
    if (implementation === 'kysely') return store.db.transaction().execute((trx) => commitNotifications(trx, items, nowMs));
    const results = await commitNotificationsPostgres(store.db, items, nowMs);
    for (const result of results) if (result instanceof Error) throw result;
    return results as NotificationCommitOutcome[];
  };
  const counts = async () => ({
    notifications: await countRows(store.db, 'notifications'),
    deliveries: await countRows(store.db, 'delivery_logs'),
    jobs: await countRows(store.db, 'jobs'),
  });
  const deliveryIdsOf = (item: NewNotification) => item.deliveries.map((d) => d.delivery_id);

  describe('commitNotifications', () => {
    it('writes the notification, its deliveries and one deliveries-queue job per delivery', async () => {
      const item = newNotification({ id: idAt(0), key: 'k-1', channels: ['EMAIL', 'SLACK'] });

      const outcomes = await commit([item]);

      expect(outcomes).toEqual([{ status: 'created', notificationId: item.notification.id, deliveryIds: deliveryIdsOf(item) }]);
      expect(await findNotification(store.db, { id: item.notification.id })).toEqual(item.notification);
      const deliveries = await store.db.selectFrom('delivery_logs').selectAll().orderBy('delivery_id').execute();
      expect(deliveries).toEqual(item.deliveries);
      const jobs = await store.db.selectFrom('jobs').selectAll().execute();
      expect(jobs).toHaveLength(2);
      for (const job of jobs) {
        expect(job).toMatchObject({ queue: 'deliveries', status: 'pending', attempts: 0, max_attempts: DELIVERY_JOB_MAX_CLAIMS, run_at: BASE_MS, created_at: NOW, locked_by: null });
      }
      expect(await deliveryJobs(store.db)).toEqual(deliveryIdsOf(item).map((id) => ({ delivery_id: id, status: 'pending', run_at: BASE_MS, max_attempts: DELIVERY_JOB_MAX_CLAIMS })));
    });

    it('reports a key committed earlier as a duplicate of the original and writes nothing', async () => {
      const original = newNotification({ id: idAt(0), key: 'k-1', channels: ['EMAIL', 'SLACK'] });
      await commit([original]);
      const before = await counts();

      const again = newNotification({ id: idAt(100), key: 'k-1', channels: ['SMS'], nowMs: BASE_MS + 100 });
      const outcomes = await commit([again]);

      expect(outcomes).toEqual([{ status: 'duplicate', notificationId: original.notification.id, deliveryIds: deliveryIdsOf(original) }]);
      expect(await counts()).toEqual(before);
      expect(before).toEqual({ notifications: 1, deliveries: 2, jobs: 2 });
      expect(await findNotification(store.db, { id: again.notification.id })).toBeUndefined();
      expect(await store.db.selectFrom('delivery_logs').select('delivery_id').where('notification_id', '=', again.notification.id).execute()).toEqual([]);
    });

    it('reports the second of two items with the same key in one batch as a duplicate of the first', async () => {
      const first = newNotification({ id: idAt(0), key: 'k-1', channels: ['EMAIL', 'SLACK'] });
      const second = newNotification({ id: idAt(10), key: 'k-1', channels: ['SMS'], nowMs: BASE_MS + 10 });

      const outcomes = await commit([first, second]);

      expect(outcomes).toEqual([
        { status: 'created', notificationId: first.notification.id, deliveryIds: deliveryIdsOf(first) },
        { status: 'duplicate', notificationId: first.notification.id, deliveryIds: deliveryIdsOf(first) },
      ]);
      expect(await counts()).toEqual({ notifications: 1, deliveries: 2, jobs: 2 });
      expect((await deliveryJobs(store.db)).map((j) => j.delivery_id)).toEqual(deliveryIdsOf(first));
    });

    it('never treats items without a key as duplicates of each other', async () => {
      const a = newNotification({ id: idAt(0), key: null });
      const b = newNotification({ id: idAt(10), key: undefined, nowMs: BASE_MS + 10 });
      const c = newNotification({ id: idAt(20), key: null, nowMs: BASE_MS + 20 });

      expect((await commit([a, b])).map((o) => o.status)).toEqual(['created', 'created']);
      expect((await commit([c])).map((o) => o.status)).toEqual(['created']);
      expect(await counts()).toEqual({ notifications: 3, deliveries: 3, jobs: 3 });
    });

    it('reports each item of a mixed batch in order', async () => {
      const committed = newNotification({ id: idAt(0), key: 'old' });
      await commit([committed]);
      const fresh = newNotification({ id: idAt(10), key: 'new', nowMs: BASE_MS + 10 });
      const dupOfCommitted = newNotification({ id: idAt(20), key: 'old', nowMs: BASE_MS + 20 });
      const unkeyed = newNotification({ id: idAt(30), nowMs: BASE_MS + 30 });
      const dupOfFresh = newNotification({ id: idAt(40), key: 'new', nowMs: BASE_MS + 40 });

      const outcomes = await commit([dupOfCommitted, fresh, unkeyed, dupOfFresh]);

      expect(outcomes).toEqual([
        { status: 'duplicate', notificationId: committed.notification.id, deliveryIds: deliveryIdsOf(committed) },
        { status: 'created', notificationId: fresh.notification.id, deliveryIds: deliveryIdsOf(fresh) },
        { status: 'created', notificationId: unkeyed.notification.id, deliveryIds: deliveryIdsOf(unkeyed) },
        { status: 'duplicate', notificationId: fresh.notification.id, deliveryIds: deliveryIdsOf(fresh) },
      ]);
      expect(await counts()).toEqual({ notifications: 3, deliveries: 3, jobs: 3 });
    });

    it('keeps a notification whose channels were all skipped, with no deliveries or jobs', async () => {
      const empty = newNotification({ id: idAt(0), key: 'k-empty', channels: [] });
      expect(await commit([empty])).toEqual([{ status: 'created', notificationId: empty.notification.id, deliveryIds: [] }]);
      const again = newNotification({ id: idAt(10), key: 'k-empty', channels: ['EMAIL'] });
      expect(await commit([again])).toEqual([{ status: 'duplicate', notificationId: empty.notification.id, deliveryIds: [] }]);
      expect(await counts()).toEqual({ notifications: 1, deliveries: 0, jobs: 0 });
    });

    it('reports committing the same prepared item twice as a duplicate of itself', async () => {
      const item = newNotification({ id: idAt(0), key: 'k-1', channels: ['EMAIL', 'SMS'] });
      await commit([item]);
      expect(await commit([item])).toEqual([{ status: 'duplicate', notificationId: item.notification.id, deliveryIds: deliveryIdsOf(item) }]);
      expect(await counts()).toEqual({ notifications: 1, deliveries: 2, jobs: 2 });
    });

    it('marks the outbox rows of the batch dispatched, duplicates included, and no others', async () => {
      await store.db.insertInto('notify_outbox').values([outboxRow(idAt(1)), outboxRow(idAt(2)), outboxRow(idAt(3))]).execute();
      const original = newNotification({ id: idAt(10), key: 'run:r1:notify', outboxId: idAt(1) });
      await commit([original]);
      // The relay may hand the same run step over again (e.g. after a crash before it saw the commit).
      const redelivered = newNotification({ id: idAt(20), key: 'run:r1:notify', outboxId: idAt(2) });
      expect((await commit([redelivered])).map((o) => o.status)).toEqual(['duplicate']);

      const statuses = await store.db.selectFrom('notify_outbox').select(['id', 'status']).orderBy('id').execute();
      expect(statuses).toEqual([
        { id: idAt(1), status: 'dispatched' },
        { id: idAt(2), status: 'dispatched' },
        { id: idAt(3), status: 'pending' },
      ]);
      expect((await listPendingOutbox(store.db, 10)).map((row) => row.id)).toEqual([idAt(3)]);
    });

    it('writes nothing, outbox included, when the caller rolls back', async () => {
      await store.db.insertInto('notify_outbox').values(outboxRow(idAt(1))).execute();
      const failure = new Error('later step failed');
      await expect(
        store.db.transaction().execute(async (trx) => {
          await commitNotifications(trx, [newNotification({ id: idAt(10), key: 'k', outboxId: idAt(1) })], NOW);
          throw failure;
        }),
      ).rejects.toBe(failure);
      expect(await counts()).toEqual({ notifications: 0, deliveries: 0, jobs: 0 });
      expect((await listPendingOutbox(store.db, 10)).map((row) => row.id)).toEqual([idAt(1)]);
    });

    it('commits batches larger than one multi-row statement, duplicates across the split included', async () => {
      const items = Array.from({ length: 1_100 }, (_, i) => newNotification({ id: idAt(i * 10), key: `k-${i}`, nowMs: BASE_MS + i * 10 }));
      const dupOfFirst = newNotification({ id: idAt(20_000), key: 'k-0', nowMs: BASE_MS + 20_000 });
      const dupOfLast = newNotification({ id: idAt(20_010), key: 'k-1099', nowMs: BASE_MS + 20_010 });

      const outcomes = await commit([...items, dupOfFirst, dupOfLast]);

      expect(outcomes.filter((o) => o.status === 'created')).toHaveLength(1_100);
      expect(outcomes.at(-2)).toEqual({ status: 'duplicate', notificationId: items[0]?.notification.id, deliveryIds: deliveryIdsOf(items[0] as NewNotification) });
      expect(outcomes.at(-1)).toEqual({ status: 'duplicate', notificationId: items[1_099]?.notification.id, deliveryIds: deliveryIdsOf(items[1_099] as NewNotification) });
      expect(await counts()).toEqual({ notifications: 1_100, deliveries: 1_100, jobs: 1_100 });
    });

    it('creates a key once when two transactions commit it at the same time', async () => {
      const a = newNotification({ id: idAt(0), key: 'k-race', channels: ['EMAIL', 'SLACK'] });
      const b = newNotification({ id: idAt(10), key: 'k-race', channels: ['SMS'], nowMs: BASE_MS + 10 });

      const [[outcomeA], [outcomeB]] = await Promise.all([commit([a]), commit([b])]);

      const statuses = [outcomeA?.status, outcomeB?.status].sort();
      expect(statuses).toEqual(['created', 'duplicate']);
      const winner = outcomeA?.status === 'created' ? a : b;
      const expected = { notificationId: winner.notification.id, deliveryIds: deliveryIdsOf(winner) };
      expect(outcomeA).toMatchObject(expected);
      expect(outcomeB).toMatchObject(expected);
      expect(await counts()).toEqual({ notifications: 1, deliveries: winner.deliveries.length, jobs: winner.deliveries.length });
    });

    it('commits two concurrent batches that share keys in opposite orders', async () => {
      // A third transaction holds key k-held so that A has written k-1, and B k-2, before either goes on:
      // once it commits, A needs k-2 (B's) and B needs k-1 (A's). Two instances batching the same
      // requests in different orders get here on their own (about one round in five with 300 keys each).
      const blocker = newNotification({ id: idAt(0), key: 'k-held' });
      const a = [newNotification({ id: idAt(10), key: 'k-1' }), newNotification({ id: idAt(20), key: 'k-held' }), newNotification({ id: idAt(30), key: 'k-2' })];
      const b = [newNotification({ id: idAt(40), key: 'k-2' }), newNotification({ id: idAt(50), key: 'k-held' }), newNotification({ id: idAt(60), key: 'k-1' })];
      const holder = await holdTransaction(store, (trx) => commitNotifications(trx, [blocker], NOW));

      const pids: number[] = [];
      const commitNoting = (items: readonly NewNotification[]) =>
        store.db.transaction().execute(async (trx) => {
          const pid = await backendPid(store, trx);
          if (pid !== undefined) pids.push(pid);
          return commitNotifications(trx, items, NOW);
        });
      const both = Promise.allSettled([commitNoting(a), commitNoting(b)]);
      await waitUntilWaiting(store, pids, 2);
      await holder.release();
      const settled = await both;

      expect(settled.map((r) => (r.status === 'fulfilled' ? 'committed' : String((r.reason as Error).message)))).toEqual(['committed', 'committed']);
      const [outcomesA, outcomesB] = settled.map((r) => (r.status === 'fulfilled' ? r.value : []));
      expect(outcomesA?.[1]).toMatchObject({ status: 'duplicate', notificationId: blocker.notification.id });
      expect(outcomesB?.[1]).toMatchObject({ status: 'duplicate', notificationId: blocker.notification.id });
      expect([outcomesA?.[0]?.status, outcomesB?.[2]?.status].sort()).toEqual(['created', 'duplicate']);
      expect([outcomesA?.[2]?.status, outcomesB?.[0]?.status].sort()).toEqual(['created', 'duplicate']);
      expect(await counts()).toEqual({ notifications: 3, deliveries: 3, jobs: 3 });
    });
  });

  describe('findNotification', () => {
    it('finds a notification by id or by idempotency key, and nothing for unknown ones', async () => {
      const keyed = notificationRow(idAt(0), { idempotency_key: 'k-1', origin: 'run', run_id: 'run-1', channels: JSON.stringify(['SMS']), strategy: 'first_success' });
      const unkeyed = notificationRow(idAt(1), { subject: null, data: null, created_at: BASE_MS + 1 });
      await store.db.insertInto('notifications').values([keyed, unkeyed]).execute();

      expect(await findNotification(store.db, { id: keyed.id })).toEqual(keyed);
      expect(await findNotification(store.db, { idempotencyKey: 'k-1' })).toEqual(keyed);
      expect(await findNotification(store.db, { id: unkeyed.id })).toEqual(unkeyed);
      expect(await findNotification(store.db, { id: idAt(2) })).toBeUndefined();
      expect(await findNotification(store.db, { idempotencyKey: 'k-2' })).toBeUndefined();
      // An id is not a key and a key is not an id.
      expect(await findNotification(store.db, { idempotencyKey: keyed.id })).toBeUndefined();
      expect(await findNotification(store.db, { id: 'k-1' })).toBeUndefined();
    });
  });

  describe('listPendingOutbox', () => {
    it('lists pending rows only, oldest first, up to the limit', async () => {
      await store.db
        .insertInto('notify_outbox')
        .values([
          outboxRow(idAt(30), { created_at: BASE_MS + 30 }),
          outboxRow(idAt(10), { created_at: BASE_MS + 10 }),
          outboxRow(idAt(20), { created_at: BASE_MS + 20, status: 'dispatched' }),
          outboxRow(idAt(40), { created_at: BASE_MS + 40 }),
        ])
        .execute();

      expect(await listPendingOutbox(store.db, 10)).toEqual([outboxRow(idAt(10), { created_at: BASE_MS + 10 }), outboxRow(idAt(30), { created_at: BASE_MS + 30 }), outboxRow(idAt(40), { created_at: BASE_MS + 40 })]);
      expect((await listPendingOutbox(store.db, 2)).map((row) => row.id)).toEqual([idAt(10), idAt(30)]);
      expect(await listPendingOutbox(store.db, 0)).toEqual([]);
    });
  });
});
