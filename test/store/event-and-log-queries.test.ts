import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EventsTable } from '../../src/store/database.js';
import { commitIngestBatch, type IngestItem } from '../../src/store/events/commit-ingest-batch.js';
import { findEvent } from '../../src/store/events/find-event.js';
import { listEvents, type ListEventsFilter } from '../../src/store/events/list-events.js';
import type { Store } from '../../src/store/store.js';
import { listEndpointStats } from '../../src/store/webhook-logs/list-endpoint-stats.js';
import { listRequestLogs } from '../../src/store/webhook-logs/list-request-logs.js';
import { dialects, openTestStore } from '../support/test-database.js';
import { BASE_MS, eventRow, logRow, rejectedItem } from './ingest-fixtures.js';

describe.each(dialects)('event and request-log queries (%s)', (dialect) => {
  let store: Store;
  let close: () => Promise<void>;
  beforeEach(async () => {
    ({ store, close } = await openTestStore(dialect));
  });
  afterEach(async () => {
    await close();
  });

  describe('listEvents and findEvent', () => {
    // 12 events one second apart, newest last: sources alternate orders/billing, types cycle a/b/c.
    let events: EventsTable[];
    beforeEach(async () => {
      events = Array.from({ length: 12 }, (_, index) =>
        eventRow(index % 2 === 0 ? 'orders' : 'billing', `k${index}`, BASE_MS + index * 1_000, { type: ['a', 'b', 'c'][index % 3] ?? 'a' }),
      );
      await commitIngestBatch(store.db, shuffled(events).map((event) => ({ event, log: logRow(event.source, event.received_at) })));
    });

    const newestFirst = (list: readonly EventsTable[]) => [...list].sort((a, b) => b.received_at - a.received_at).map((event) => event.id);
    const ids = async (filter: ListEventsFilter) => (await listEvents(store.db, filter)).map((event) => event.id);

    it('lists newest first, up to the limit', async () => {
      expect(await ids({ limit: 100 })).toEqual(newestFirst(events));
      expect(await ids({ limit: 3 })).toEqual(newestFirst(events).slice(0, 3));
    });

    it('returns rows exactly as stored', async () => {
      const [newest] = await listEvents(store.db, { limit: 1 });
      // Stored as given, plus the routing mark (0: these were committed without runs).
      expect(newest).toEqual({ ...events[11], routed: 0 });
    });

    it('filters by source and by type', async () => {
      expect(await ids({ source: 'billing', limit: 100 })).toEqual(newestFirst(events.filter((e) => e.source === 'billing')));
      expect(await ids({ type: 'b', limit: 100 })).toEqual(newestFirst(events.filter((e) => e.type === 'b')));
      expect(await ids({ source: 'orders', type: 'a', limit: 100 })).toEqual(newestFirst(events.filter((e) => e.source === 'orders' && e.type === 'a')));
      expect(await ids({ source: 'nobody', limit: 100 })).toEqual([]);
    });

    it('bounds received time: since inclusive, until exclusive', async () => {
      const since = BASE_MS + 3_000;
      const until = BASE_MS + 7_000;
      const inWindow = events.filter((e) => e.received_at >= since && e.received_at < until);
      expect(inWindow).toHaveLength(4);

      expect(await ids({ sinceMs: since, untilMs: until, limit: 100 })).toEqual(newestFirst(inWindow));
      expect(await ids({ sinceMs: BASE_MS + 11_000, limit: 100 })).toEqual([events[11]?.id]);
      expect(await ids({ untilMs: BASE_MS + 1_000, limit: 100 })).toEqual([events[0]?.id]);
    });

    it('pages with beforeId, giving every event exactly once in order', async () => {
      expect(await pageThrough({ limit: 5 })).toEqual(newestFirst(events));
      expect(await pageThrough({ limit: 1 })).toEqual(newestFirst(events));
      expect(await pageThrough({ limit: 2, source: 'orders', sinceMs: BASE_MS + 2_000 })).toEqual(
        newestFirst(events.filter((e) => e.source === 'orders' && e.received_at >= BASE_MS + 2_000)),
      );
    });

    it('pages through events received in the same millisecond', async () => {
      const sameMs = Array.from({ length: 9 }, (_, index) => eventRow('burst', `b${index}`, BASE_MS + 60_000));
      await commitIngestBatch(store.db, sameMs.map((event) => ({ event, log: logRow('burst', event.received_at) })));

      const paged = await pageThrough({ source: 'burst', limit: 2 });

      expect(paged).toEqual(sameMs.map((e) => e.id).sort().reverse());
    });

    it('finds one event by id, or undefined', async () => {
      expect(await findEvent(store.db, events[4]?.id ?? '')).toEqual({ ...events[4], routed: 0 });
      expect(await findEvent(store.db, 'no-such-id')).toBeUndefined();
    });

    async function pageThrough(filter: Omit<ListEventsFilter, 'beforeId'>): Promise<string[]> {
      const seen: string[] = [];
      for (let pages = 0; pages < 100; pages += 1) {
        const page = await listEvents(store.db, { ...filter, beforeId: seen.at(-1) });
        seen.push(...page.map((event) => event.id));
        if (page.length < filter.limit) return seen;
      }
      throw new Error('pagination did not end');
    }
  });

  describe('listRequestLogs', () => {
    it('lists one endpoint newest first, paged by id', async () => {
      const items: IngestItem[] = Array.from({ length: 7 }, (_, index) => rejectedItem('orders', 'signature_invalid', 401, BASE_MS + index));
      await commitIngestBatch(store.db, [...shuffled(items), rejectedItem('billing', 'signature_invalid', 401, BASE_MS + 100)]);
      const expected = [...items].reverse().map((item) => item.log);

      const first = await listRequestLogs(store.db, 'orders', { limit: 3 });
      const second = await listRequestLogs(store.db, 'orders', { limit: 3, beforeId: first.at(-1)?.id });
      const third = await listRequestLogs(store.db, 'orders', { limit: 3, beforeId: second.at(-1)?.id });

      expect([first, second, third]).toEqual([expected.slice(0, 3), expected.slice(3, 6), expected.slice(6)]);
      expect(await listRequestLogs(store.db, 'nobody', { limit: 3 })).toEqual([]);
    });
  });

  describe('listEndpointStats', () => {
    it('lists one endpoint counters, one row per outcome and reason', async () => {
      await commitIngestBatch(store.db, [
        { event: eventRow('orders', 'k1', BASE_MS + 1), log: logRow('orders', BASE_MS + 1) },
        { event: eventRow('orders', 'k1', BASE_MS + 2), log: logRow('orders', BASE_MS + 2) },
        rejectedItem('orders', 'signature_invalid', 401, BASE_MS + 3),
        rejectedItem('orders', 'signature_invalid', 401, BASE_MS + 4),
        rejectedItem('billing', 'rate_limited', 429, BASE_MS + 5),
      ]);

      const rows = await listEndpointStats(store.db, 'orders');

      expect(rows.sort((a, b) => a.outcome.localeCompare(b.outcome))).toEqual([
        { endpoint_id: 'orders', outcome: 'accepted', reason: '', count: 1, last_at: BASE_MS + 1 },
        { endpoint_id: 'orders', outcome: 'duplicate', reason: '', count: 1, last_at: BASE_MS + 2 },
        { endpoint_id: 'orders', outcome: 'rejected', reason: 'signature_invalid', count: 2, last_at: BASE_MS + 4 },
      ]);
      expect(await listEndpointStats(store.db, 'nobody')).toEqual([]);
    });
  });
});

/** A fixed permutation (odd positions reversed, then even ones), so insertion order is not time order. */
function shuffled<T>(items: readonly T[]): T[] {
  return [...items.filter((_, index) => index % 2 === 1).reverse(), ...items.filter((_, index) => index % 2 === 0)];
}
