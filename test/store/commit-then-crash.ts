// Child process for the SQLite durability test: commits ingest batches through the named path,
// prints the acknowledged results, then kills itself with SIGKILL (no close, no checkpoint).
// Usage: node --import tsx commit-then-crash.ts <dataDir> <name of a SQLite entry in ingestCommits>
import { writeSync } from 'node:fs';
import { migrateToLatest } from '../../src/store/migrate-to-latest.js';
import { openStore } from '../../src/store/open-store.js';
import { ingestCommits } from './ingest-commits.js';
import { eventItem, rejectedItem } from './ingest-fixtures.js';

const [dataDir, name] = process.argv.slice(2);
const implementation = ingestCommits.find((entry) => entry.dialect === 'sqlite' && entry.name === name);
if (dataDir === undefined || implementation === undefined) throw new Error(`usage: commit-then-crash <dataDir> <sqlite implementation>, got ${process.argv.slice(2).join(' ')}`);

const store = await openStore({ dataDir, sqliteSynchronous: 'FULL' });
await migrateToLatest(store);
const ingest = implementation.open(store);
for (let batch = 0; batch < 5; batch += 1) {
  const items = Array.from({ length: 20 }, (_, index) =>
    index === 19 ? rejectedItem('orders', 'signature_invalid', 401) : eventItem('orders', `b${batch}-k${index}`),
  );
  const results = await ingest.commit(items);
  // Acknowledged only now, after COMMIT: one line per batch, written synchronously before the kill.
  writeSync(1, `${JSON.stringify({ items, results })}\n`);
}
process.kill(process.pid, 'SIGKILL');
