import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { IngestItem, IngestResult } from '../../src/store/events/commit-ingest-batch.js';
import { migrateToLatest } from '../../src/store/migrate-to-latest.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';
import { listEndpointStats } from '../../src/store/webhook-logs/list-endpoint-stats.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { eventItem, rejectedItem } from './ingest-fixtures.js';
import { ingestCommits } from './ingest-commits.js';

const sqliteCommits = ingestCommits.filter((entry) => entry.dialect === 'sqlite');

describe.each(sqliteCommits)('SQLite durability through the $name commit', ({ name, open }) => {
  let database: TestDatabase | undefined;
  let store: Store | undefined;
  afterEach(async () => {
    await store?.close();
    await database?.cleanup();
    store = undefined;
    database = undefined;
  });

  async function reopen(dataDir: string): Promise<Store> {
    await store?.close();
    store = await openStore({ dataDir, sqliteSynchronous: 'FULL' });
    return store;
  }

  it('keeps every committed row after the store is closed and reopened', async () => {
    database = createTestDatabase('sqlite');
    const first = await reopen(database.dataDir);
    await migrateToLatest(first);
    const ingest = open(first);
    const items = [eventItem('orders', 'k1'), eventItem('orders', 'k1'), eventItem('orders', null), rejectedItem('orders', 'signature_invalid', 401)];
    const results = await ingest.commit(items);
    await ingest.close();

    const reopened = await reopen(database.dataDir);

    expect(await migrateToLatest(reopened)).toEqual([]);
    await expectStored(reopened, items, results);
  });

  it('keeps every acknowledged row when the process is killed without closing', async () => {
    database = createTestDatabase('sqlite');
    const acknowledged = await commitThenCrash(database.dataDir, name);
    expect(acknowledged).toHaveLength(5);

    const reopened = await reopen(database.dataDir);

    for (const { items, results } of acknowledged) await expectStored(reopened, items, results);
    const counts = (await listEndpointStats(reopened.db, 'orders')).map((row) => [row.outcome, row.count]).sort();
    expect(counts).toEqual([
      ['accepted', 95],
      ['rejected', 5],
    ]);
  });
});

async function expectStored(store: Store, items: readonly IngestItem[], results: ReadonlyArray<IngestResult | Error>): Promise<void> {
  const eventIds = results.flatMap((result) => (result instanceof Error || result.outcome === 'logged' ? [] : [result.eventId]));
  const events = await store.db.selectFrom('events').select('id').where('id', 'in', eventIds).execute();
  expect(new Set(events.map((event) => event.id))).toEqual(new Set(eventIds));
  const logIds = items.map((item) => item.log.id);
  const logs = await store.db.selectFrom('webhook_request_logs').select(['id', 'event_id']).where('id', 'in', logIds).execute();
  const eventIdByLog = new Map(logs.map((log) => [log.id, log.event_id]));
  items.forEach((item, index) => {
    const result = results[index];
    expect(eventIdByLog.has(item.log.id)).toBe(true);
    expect(eventIdByLog.get(item.log.id)).toBe(result === undefined || result instanceof Error || result.outcome === 'logged' ? null : result.eventId);
  });
}

/** Runs commit-then-crash.ts in a child process and returns the batches it acknowledged before dying. */
async function commitThenCrash(dataDir: string, name: string): Promise<Array<{ items: IngestItem[]; results: IngestResult[] }>> {
  const script = fileURLToPath(new URL('./commit-then-crash.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', script, dataDir, name], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const signal = await new Promise<NodeJS.Signals | null>((resolve) => child.on('close', (_code, closedBy) => resolve(closedBy)));
  if (signal !== 'SIGKILL') throw new Error(`commit-then-crash did not crash as planned (${String(signal)}): ${stderr}`);
  return stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { items: IngestItem[]; results: IngestResult[] });
}
