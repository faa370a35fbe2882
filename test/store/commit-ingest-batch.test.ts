import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../src/store/database.js';
import { commitIngestBatch, type IngestItem } from '../../src/store/events/commit-ingest-batch.js';
import { findEvent } from '../../src/store/events/find-event.js';
import type { Store } from '../../src/store/store.js';
import { listEndpointStats } from '../../src/store/webhook-logs/list-endpoint-stats.js';
import { connectionConfig } from '../../src/store/open-store.js';
import { openTestStore, testDatabaseUrl } from '../support/test-database.js';
import { BASE_MS, eventItem, logRow, rejectedItem, runStart } from './ingest-fixtures.js';
import { ingestCommits, type IngestCommit } from './ingest-commits.js';

describe.each(ingestCommits)('ingest commit: $name on $dialect', ({ dialect, open }) => {
  let store: Store;
  let closeStore: () => Promise<void>;
  let committer: IngestCommit;
  beforeEach(async () => {
    ({ store, close: closeStore } = await openTestStore(dialect));
    committer = open(store);
  });
  afterEach(async () => {
    await committer.close();
    await closeStore();
  });

  function commit(items: readonly IngestItem[]) {
    return committer.commit(items);
  }

  async function eventCount(): Promise<number> {
    const row = await store.db.selectFrom('events').select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async function logFor(item: IngestItem) {
    return store.db.selectFrom('webhook_request_logs').selectAll().where('id', '=', item.log.id).executeTakeFirst();
  }

  async function counters(endpointId: string): Promise<Array<[string, string, number, number]>> {
    const rows = await listEndpointStats(store.db, endpointId);
    return rows.map((row): [string, string, number, number] => [row.outcome, row.reason, Number(row.count), Number(row.last_at)]).sort();
  }

  /** The run-start rows of one run per route for `item`'s event (what ingest's EventRouter plans). */
  function withRuns(item: IngestItem, routeIds: readonly string[]): IngestItem {
    const eventId = item.event?.id ?? '';
    return { ...item, runs: routeIds.map((routeId) => runStart(eventId, routeId)) };
  }

  async function runsOf(eventId: string) {
    const runs = await store.db.selectFrom('runs').selectAll().where('event_id', '=', eventId).orderBy('route_id').execute();
    const jobs = await store.db.selectFrom('jobs').selectAll().where('dedupe_key', 'in', runs.length === 0 ? [''] : runs.map((run) => run.id)).execute();
    return { runs, jobs };
  }

  it('writes a new event\'s runs and their jobs with it, and marks it routed', async () => {
    const routed = withRuns(eventItem('orders', 'r1'), ['route-a', 'route-b']);
    const unrouted = eventItem('orders', 'r2');
    expect(await commit([routed, unrouted])).toEqual([
      { outcome: 'accepted', eventId: routed.event?.id },
      { outcome: 'accepted', eventId: unrouted.event?.id },
    ]);
    const { runs, jobs } = await runsOf(routed.event?.id ?? '');
    expect(runs).toEqual(routed.runs?.map((start) => start.run));
    expect(jobs.sort((a, b) => (a.id < b.id ? -1 : 1))).toEqual(routed.runs?.map((start) => start.job).sort((a, b) => (a.id < b.id ? -1 : 1)));
    expect((await findEvent(store.db, routed.event?.id ?? ''))?.routed).toBe(1);
    expect((await findEvent(store.db, unrouted.event?.id ?? ''))?.routed).toBe(0);
  });

  it('starts no runs for a duplicate, in a later batch or in the same one', async () => {
    const original = withRuns(eventItem('orders', 'd1'), ['route-a']);
    await commit([original]);
    const later = withRuns(eventItem('orders', 'd1', BASE_MS + 5), ['route-a']);
    const first = withRuns(eventItem('orders', 'd2'), ['route-a']);
    const sameBatch = withRuns(eventItem('orders', 'd2', BASE_MS + 6), ['route-a']);
    expect(await commit([later, first, sameBatch])).toEqual([
      { outcome: 'duplicate', eventId: original.event?.id },
      { outcome: 'accepted', eventId: first.event?.id },
      { outcome: 'duplicate', eventId: first.event?.id },
    ]);
    const runs = await store.db.selectFrom('runs').select(['id', 'event_id']).execute();
    expect(runs.map((run) => run.id).sort()).toEqual([original.runs?.[0]?.run.id, first.runs?.[0]?.run.id].sort());
    expect(Number((await store.db.selectFrom('jobs').select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow()).n)).toBe(2);
  });

  it('commits an empty batch as nothing', async () => {
    expect(await commit([])).toEqual([]);
  });

  it('accepts new events under their own ids and stores them as given', async () => {
    const items = [eventItem('orders', 'k1'), eventItem('orders', 'k2'), eventItem('orders', null)];

    const results = await commit(items);

    expect(results).toEqual(items.map((item) => ({ outcome: 'accepted', eventId: item.event?.id })));
    for (const item of items) expect(await findEvent(store.db, item.event?.id ?? '')).toEqual({ ...item.event, routed: 0 });
  });

  it('fills the log row of an accepted event with 202 and the event id', async () => {
    const item = eventItem('orders', 'k1');
    await commit([item]);
    expect(await logFor(item)).toEqual({ ...item.log, outcome: 'accepted', status_code: 202, event_id: item.event?.id });
  });

  it('resolves a key already stored to the original event, storing no new event', async () => {
    const original = eventItem('orders', 'k1', BASE_MS);
    await commit([original]);
    const redelivery = eventItem('orders', 'k1', BASE_MS + 1_000);

    const [result] = await commit([redelivery]);

    expect(result).toEqual({ outcome: 'duplicate', eventId: original.event?.id });
    expect(await eventCount()).toBe(1);
    expect(await findEvent(store.db, redelivery.event?.id ?? '')).toBeUndefined();
    expect(await logFor(redelivery)).toEqual({ ...redelivery.log, outcome: 'duplicate', status_code: 200, event_id: original.event?.id });
  });

  it('accepts the first of two items with one key in a batch and makes the second its duplicate', async () => {
    const first = eventItem('orders', 'k1', BASE_MS);
    const second = eventItem('orders', 'k1', BASE_MS + 1);

    const results = await commit([first, second]);

    expect(results).toEqual([
      { outcome: 'accepted', eventId: first.event?.id },
      { outcome: 'duplicate', eventId: first.event?.id },
    ]);
    expect(await eventCount()).toBe(1);
    expect(await logFor(second)).toMatchObject({ outcome: 'duplicate', status_code: 200, event_id: first.event?.id });
  });

  it('never deduplicates events without a key', async () => {
    const items = [eventItem('orders', null), eventItem('orders', null)];
    const later = eventItem('orders', null, BASE_MS + 1);

    const results = [...(await commit(items)), ...(await commit([later]))];

    expect(results.map((result) => ('outcome' in result ? result.outcome : 'error'))).toEqual(['accepted', 'accepted', 'accepted']);
    expect(await eventCount()).toBe(3);
  });

  it('keeps the same key on different sources independent', async () => {
    const items = [eventItem('orders', 'k1'), eventItem('billing', 'k1')];

    const results = await commit(items);

    expect(results).toEqual(items.map((item) => ({ outcome: 'accepted', eventId: item.event?.id })));
    expect(await eventCount()).toBe(2);
  });

  it('stores a log-only item as given and counts it', async () => {
    const rejected = rejectedItem('orders', 'signature_invalid', 401);
    const ignored: IngestItem = { event: null, log: logRow('orders', BASE_MS, { outcome: 'ignored', reason: 'event_not_subscribed', status_code: 200 }) };

    const results = await commit([rejected, ignored]);

    expect(results).toEqual([{ outcome: 'logged' }, { outcome: 'logged' }]);
    expect(await logFor(rejected)).toEqual(rejected.log);
    expect(await logFor(ignored)).toEqual(ignored.log);
    expect(await eventCount()).toBe(0);
    expect(await counters('orders')).toEqual([
      ['ignored', 'event_not_subscribed', 1, BASE_MS],
      ['rejected', 'signature_invalid', 1, BASE_MS],
    ]);
  });

  it('adds counters up across batches, keeping the latest time', async () => {
    await commit([
      eventItem('orders', 'a', BASE_MS + 30),
      eventItem('orders', 'b', BASE_MS + 10),
      eventItem('orders', 'a', BASE_MS + 20),
      rejectedItem('orders', 'signature_invalid', 401, BASE_MS + 5),
      rejectedItem('orders', 'timestamp_expired', 401, BASE_MS + 6),
      eventItem('billing', 'a', BASE_MS + 7),
    ]);
    await commit([
      // Older than what is counted already: the count grows, last_at does not go back.
      eventItem('orders', 'c', BASE_MS + 1),
      eventItem('orders', 'b', BASE_MS + 40),
      rejectedItem('orders', 'signature_invalid', 401, BASE_MS + 50),
    ]);

    expect(await counters('orders')).toEqual([
      ['accepted', '', 3, BASE_MS + 30],
      ['duplicate', '', 2, BASE_MS + 40],
      ['rejected', 'signature_invalid', 2, BASE_MS + 50],
      ['rejected', 'timestamp_expired', 1, BASE_MS + 6],
    ]);
    expect(await counters('billing')).toEqual([['accepted', '', 1, BASE_MS + 7]]);
  });

  it('handles batches larger than one statement, duplicates included', async () => {
    const items = Array.from({ length: 450 }, (_, index) => eventItem('orders', `k${index % 300}`, BASE_MS + index));

    const results = await commit(items);

    expect(await eventCount()).toBe(300);
    results.forEach((result, index) => {
      const firstWithKey = items[index % 300]?.event?.id;
      expect(result).toEqual({ outcome: index < 300 ? 'accepted' : 'duplicate', eventId: firstWithKey });
    });
    expect(await counters('orders')).toEqual([
      ['accepted', '', 300, BASE_MS + 299],
      ['duplicate', '', 150, BASE_MS + 449],
    ]);
  });

  it('agrees on one original per key when batches with the same keys commit at once', async () => {
    const keys = Array.from({ length: 40 }, (_, index) => `k${index}`);
    const batches = [0, 1, 2, 3].map((n) => {
      const items = keys.map((key) => eventItem('orders', key, BASE_MS + n));
      return n % 2 === 0 ? items : items.reverse();
    });

    const results = await Promise.all(batches.map((batch) => commit(batch)));

    expect(await eventCount()).toBe(keys.length);
    const stored = await store.db.selectFrom('events').select(['id', 'idempotency_key']).execute();
    const idByKey = new Map(stored.map((row) => [row.idempotency_key, row.id]));
    batches.forEach((batch, n) =>
      batch.forEach((item, index) => {
        const result = results[n]?.[index];
        const original = idByKey.get(item.event?.idempotency_key ?? null);
        expect(result).toEqual({ outcome: original === item.event?.id ? 'accepted' : 'duplicate', eventId: original });
      }),
    );
    expect((await counters('orders')).map(([outcome, , count]) => [outcome, count])).toEqual([
      ['accepted', keys.length],
      ['duplicate', keys.length * 3],
    ]);
  });

  describe('one bad item in a batch', () => {
    it('commits the other items and fails only the bad event', async () => {
      const before = eventItem('orders', 'k1');
      const bad = eventItem('orders', 'k2');
      const broken: IngestItem = { ...bad, event: bad.event === null ? null : { ...bad.event, type: null as unknown as string } };
      const duplicateOfBefore = eventItem('orders', 'k1', BASE_MS + 1);
      const after = eventItem('orders', 'k3');
      const rejected = rejectedItem('orders', 'signature_invalid', 401);

      const results = await commit([before, broken, duplicateOfBefore, after, rejected]);

      expect(results[0]).toEqual({ outcome: 'accepted', eventId: before.event?.id });
      expect(results[1]).toBeInstanceOf(Error);
      expect(results.slice(2)).toEqual([{ outcome: 'duplicate', eventId: before.event?.id }, { outcome: 'accepted', eventId: after.event?.id }, { outcome: 'logged' }]);
      expect(await eventCount()).toBe(2);
      expect(await logFor(broken)).toBeUndefined();
      expect(await logFor(after)).toMatchObject({ outcome: 'accepted', event_id: after.event?.id });
      expect(await counters('orders')).toEqual([
        ['accepted', '', 2, BASE_MS],
        ['duplicate', '', 1, BASE_MS + 1],
        ['rejected', 'signature_invalid', 1, BASE_MS],
      ]);
    });

    it('fails only a log-only item whose row cannot be stored', async () => {
      const good = eventItem('orders', 'k1');
      const bad = rejectedItem('orders', 'signature_invalid', 401);
      const broken: IngestItem = { event: null, log: { ...bad.log, client_ip: null as unknown as string } };

      const results = await commit([good, broken]);

      expect(results[0]).toEqual({ outcome: 'accepted', eventId: good.event?.id });
      expect(results[1]).toBeInstanceOf(Error);
      expect(await counters('orders')).toEqual([['accepted', '', 1, BASE_MS]]);
    });

    it('throws when a batch of one fails, storing nothing', async () => {
      const bad = eventItem('orders', 'k1');
      const broken: IngestItem = { ...bad, event: bad.event === null ? null : { ...bad.event, source: null as unknown as string } };

      await expect(commit([broken])).rejects.toThrow();

      expect(await eventCount()).toBe(0);
      expect(await counters('orders')).toEqual([]);
    });
  });
});

describe('ingest commit: Kysely on postgres, concurrent batches', () => {
  let close: (() => Promise<void>) | undefined;
  let db: Kysely<Database> | undefined;
  afterEach(async () => {
    await db?.destroy();
    await close?.();
    db = undefined;
    close = undefined;
  });

  it('takes row locks in one order, so batches listing the same rows in opposite orders never deadlock', async () => {
    const opened = await openTestStore('postgres');
    close = opened.close;
    // A second pool on the same schema that records every failed statement (a deadlock is 40P01).
    const failures: string[] = [];
    const pool = new pg.Pool({ ...connectionConfig(testDatabaseUrl), max: 8, options: `-c search_path=${opened.database.pgSchema}` });
    const logged = new Kysely<Database>({
      dialect: new PostgresDialect({ pool }),
      log: (event) => {
        if (event.level === 'error') failures.push(String((event.error as { code?: unknown }).code));
      },
    });
    db = logged;

    for (let round = 0; round < 4; round += 1) {
      const batches = [0, 1, 2, 3].map((n) => {
        // 60 endpoints' counters and 150 shared idempotency keys, half the batches in reverse order.
        const items = Array.from({ length: 300 }, (_, index) => eventItem(`endpoint-${index % 60}`, index % 2 === 0 ? `r${round}-k${index}` : null));
        return n % 2 === 0 ? items : items.reverse();
      });
      const results = await Promise.all(batches.map((batch) => commitIngestBatch(logged, batch)));
      expect(results.flat().filter((result) => result instanceof Error)).toEqual([]);
    }

    expect(failures).toEqual([]);
  });
});
