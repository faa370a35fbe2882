import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RequestLogSweeper } from '../../src/maintenance/request-log-sweeper.js';
import type { Store } from '../../src/store/store.js';
import { commitIngestBatch } from '../../src/store/events/commit-ingest-batch.js';
import { deleteRequestLogsBefore } from '../../src/store/webhook-logs/delete-request-logs-before.js';
import { listEndpointStats } from '../../src/store/webhook-logs/list-endpoint-stats.js';
import { dialects, openTestStore } from '../support/test-database.js';
import { BASE_MS, eventItem, rejectedItem } from './ingest-fixtures.js';

const DAY = 86_400_000;

describe.each(dialects)('request log retention (%s)', (dialect) => {
  let store: Store;
  let close: () => Promise<void>;
  beforeEach(async () => {
    ({ store, close } = await openTestStore(dialect));
  });
  afterEach(async () => {
    await close();
  });

  const logTimes = async () =>
    (await store.db.selectFrom('webhook_request_logs').select('received_at').orderBy('received_at').execute()).map((row) => Number(row.received_at));

  it('deletes only rows received before the boundary, oldest first, at most `limit` at a time', async () => {
    const times = [BASE_MS - 40 * DAY, BASE_MS - 31 * DAY, BASE_MS - 30 * DAY - 1, BASE_MS - 29 * DAY, BASE_MS];
    await commitIngestBatch(store.db, times.map((t, i) => (i % 2 === 0 ? eventItem('orders', `k${i}`, t) : rejectedItem('orders', 'signature_invalid', 401, t))));
    expect(await deleteRequestLogsBefore(store.db, BASE_MS - 30 * DAY, 2)).toBe(2);
    expect(await logTimes()).toEqual(times.slice(2));
    expect(await deleteRequestLogsBefore(store.db, BASE_MS - 30 * DAY, 2)).toBe(1);
    expect(await logTimes()).toEqual(times.slice(3));
    expect(await deleteRequestLogsBefore(store.db, BASE_MS - 30 * DAY, 2)).toBe(0);
  });

  it('sweeps everything past retention in chunks, keeping events and counters', async () => {
    const old = Array.from({ length: 12 }, (_, i) => eventItem('orders', `old${i}`, BASE_MS - 45 * DAY + i));
    const recent = Array.from({ length: 3 }, (_, i) => eventItem('orders', `new${i}`, BASE_MS - DAY + i));
    await commitIngestBatch(store.db, [...old, ...recent]);
    const sweeper = new RequestLogSweeper({ store, clock: { nowMs: () => BASE_MS }, logger: pino({ level: 'silent' }), retentionDays: 30, intervalMs: 3_600_000 });
    expect(await sweeper.sweep()).toBe(12);
    await sweeper.stop();
    expect(await logTimes()).toEqual(recent.map((item) => item.log.received_at));
    expect(await store.db.selectFrom('events').select('id').execute()).toHaveLength(15);
    expect((await listEndpointStats(store.db, 'orders')).find((row) => row.outcome === 'accepted')?.count).toBe(15);
  });
});
