// bench:runs — runs through a three-step route (triage → transform → emit), from the commit of the
// event to the run's completion, on SQLite and on PostgreSQL; beside the bare job queue
// (enqueue → claim → complete with a no-op handler) measured in the same run. Prints one table.
// Usage: npm run bench:runs [-- --rate 2500 --duration 10 --jobs 20000 --skip postgres]
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setImmediate } from 'node:timers';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import SqliteDatabase from 'better-sqlite3';
import pg from 'pg';
import { systemClock } from '../dist/core/clock.js';
import { InProcessJobNotifier } from '../dist/queue/in-process-job-notifier.js';
import { JobWorker } from '../dist/queue/job-worker.js';
import { PostgresJobNotifier } from '../dist/queue/postgres-job-notifier.js';
import { enqueue } from '../dist/queue/enqueue.js';
import { migrateToLatest } from '../dist/store/migrate-to-latest.js';
import { openStore } from '../dist/store/open-store.js';
import { TransactionBatcher } from '../dist/store/transaction-batcher.js';

const { values } = parseArgs({
  options: {
    rate: { type: 'string', default: '2500' },
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '50' },
    concurrency: { type: 'string', default: '' },
    jobs: { type: 'string', default: '20000' },
    'database-url': { type: 'string', default: process.env.BENCH_DATABASE_URL ?? 'postgres://127.0.0.1:5432/test' },
    skip: { type: 'string', default: '' },
  },
});
const rate = Number(values.rate);
const duration = Number(values.duration);
const connections = Number(values.connections);
const jobCount = Number(values.jobs);
const databaseUrl = values['database-url'];
const skip = new Set(values.skip.split(',').filter(Boolean));
const root = new URL('..', import.meta.url).pathname;
const pgUrl = databaseUrl.replace('postgres://', `postgres://${userInfo().username}@`);

const route = {
  id: 'bench-triage',
  match: { source: 'alerts', type: 'alert.*' },
  steps: [
    { name: 'triage', kind: 'agent', agent: 'triage', with: { alert: 'event.data' } },
    { name: 'summary', kind: 'transform', expression: '{"alert": event.data.alert_id, "level": steps.triage.level, "score": steps.triage.score}' },
    { name: 'announce', kind: 'emit', type: 'alert.triaged', data: 'steps.summary' },
  ],
};

function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** The bare queue: jobs enqueued in batches of 256 (like group commit), a no-op handler, until all complete. */
async function bareQueue(dialect) {
  const dataDir = mkdtempSync(join(tmpdir(), 'sb-bench-queue-'));
  const schema = `bench_queue_${process.pid}`;
  const store = await openStore(
    dialect === 'sqlite'
      ? { dataDir, sqliteSynchronous: 'FULL', poolSize: 10, pgSchema: 'public' }
      : { databaseUrl, dataDir, sqliteSynchronous: 'FULL', poolSize: 10, pgSchema: schema },
  );
  await migrateToLatest(store);
  const notifier = dialect === 'sqlite' ? new InProcessJobNotifier() : new PostgresJobNotifier({ databaseUrl });
  if (notifier instanceof PostgresJobNotifier) await notifier.start();
  let done = 0;
  let resolveAll;
  const all = new Promise((resolve) => (resolveAll = resolve));
  const latencies = [];
  const worker = new JobWorker({
    db: store.db,
    dialect: store.dialect,
    notifier,
    clock: systemClock,
    random: Math.random,
    concurrency: 64,
    // The same group commit of outcomes the runs worker uses.
    settle: new TransactionBatcher(store.db, { maxBatchSize: 256, maxConcurrentCommits: dialect === 'sqlite' ? 1 : 2 }),
    queues: {
      bench: {
        policy: { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 1000 },
        handler: async (job) => {
          latencies.push(Date.now() - job.payload.at);
          done += 1;
          if (done === jobCount) setImmediate(resolveAll);
        },
      },
    },
  });
  worker.start();
  const started = performance.now();
  for (let sent = 0; sent < jobCount; sent += 256) {
    const jobs = Array.from({ length: Math.min(256, jobCount - sent) }, () => ({ queue: 'bench', payload: { at: Date.now() }, maxAttempts: 3 }));
    await store.db.transaction().execute((trx) => enqueue(trx, notifier, { jobs, nowMs: Date.now() }));
  }
  await all;
  // The last completions commit after their handlers return.
  await worker.stop();
  const seconds = (performance.now() - started) / 1000;
  if (notifier instanceof PostgresJobNotifier) await notifier.stop();
  await store.close();
  if (dialect === 'postgres') {
    const client = new pg.Client({ connectionString: pgUrl });
    await client.connect();
    await client.query(`drop schema if exists ${schema} cascade`);
    await client.end();
  }
  rmSync(dataDir, { recursive: true, force: true });
  latencies.sort((a, b) => a - b);
  return { rate: jobCount / seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99), count: jobCount };
}

async function startSwitchboard(port, extraEnv) {
  const dataDir = mkdtempSync(join(tmpdir(), 'sb-bench-runs-'));
  const configFile = join(dataDir, 'switchboard.json');
  writeFileSync(configFile, JSON.stringify({ routes: [route], ...(values.concurrency === '' ? {} : { runs: { concurrency: Number(values.concurrency) } }) }));
  // BENCH_PROFILE=<dir> writes the server's CPU profile there.
  const profile = process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : [];
  const child = spawn(process.execPath, [...profile, join(root, 'bin/switchboard.js'), 'serve'], {
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', SWITCHBOARD_DATA_DIR: dataDir, SWITCHBOARD_CONFIG: configFile, LOG_LEVEL: 'warn', ...extraEnv },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i += 1) {
    try {
      if ((await fetch(`${base}/health`)).ok) break;
    } catch {
      if (i > 400) throw new Error('switchboard did not start');
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  const adminKey = readFileSync(join(dataDir, 'admin.key'), 'utf8').trim();
  const response = await fetch(`${base}/integration/webhooks/register`, {
    method: 'POST',
    headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ endpoint_id: 'alerts', verification: { scheme: 'none' }, allow_unsigned: true }),
  });
  if (response.status !== 201) throw new Error(`register failed: ${response.status} ${await response.text()}`);
  return { child, dataDir, url: `${base}/integration/webhooks/alerts` };
}

async function stop(child) {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.on('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

function alertRequests() {
  let n = 0;
  return [
    {
      method: 'POST',
      setupRequest(request) {
        n += 1;
        request.headers = { 'content-type': 'application/json' };
        request.body = JSON.stringify({ type: 'alert.created', alert_id: `ALT-${n}`, severity: n % 3 === 0 ? 'critical' : 'high', alert_type: 'database', title: 'Connection pool exhausted', affected_systems: ['orders-db'] });
        return request;
      },
    },
  ];
}

/** Offers alerts at `rate` per second for `duration` seconds, then waits for every run to finish and reads their times. */
async function runsThrough(readRuns, url) {
  const result = await new Promise((resolve, reject) => {
    autocannon({ url, connections, duration, overallRate: rate, requests: alertRequests() }, (error, r) => (error ? reject(error) : resolve(r)));
  });
  const accepted = result['2xx'];
  const deadline = Date.now() + 120_000;
  let runs;
  for (;;) {
    runs = await readRuns();
    const finished = runs.filter((r) => r.finished_at !== null).length;
    if (finished >= accepted || Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  const finished = runs.filter((r) => r.finished_at !== null);
  const succeeded = finished.filter((r) => r.status === 'succeeded').length;
  const latencies = finished.map((r) => Number(r.finished_at) - Number(r.created_at)).sort((a, b) => a - b);
  const first = Math.min(...runs.map((r) => Number(r.created_at)));
  const last = Math.max(...finished.map((r) => Number(r.finished_at)));
  return { rate: finished.length / ((last - first) / 1000), p50: percentile(latencies, 50), p99: percentile(latencies, 99), count: succeeded, accepted, errors: result.non2xx + result.errors + result.timeouts };
}

const rows = [];
for (const dialect of ['sqlite', 'postgres']) {
  if (skip.has(dialect)) continue;
  rows.push({ name: `bare queue, ${dialect} (enqueue → claim → no-op → complete)`, ...(await bareQueue(dialect)) });
  if (dialect === 'sqlite') {
    const sb = await startSwitchboard(19201, {});
    try {
      const file = join(sb.dataDir, 'switchboard.db');
      const readRuns = async () => {
        const db = new SqliteDatabase(file, { readonly: true });
        try {
          return db.prepare("select status, created_at, finished_at from runs where route_id = 'bench-triage'").all();
        } finally {
          db.close();
        }
      };
      rows.push({ name: 'runs, SQLite (webhook commit → 3 steps → completion)', ...(await runsThrough(readRuns, sb.url)) });
    } finally {
      await stop(sb.child);
      rmSync(sb.dataDir, { recursive: true, force: true });
    }
  } else {
    const schema = `bench_runs_${process.pid}`;
    const client = new pg.Client({ connectionString: pgUrl });
    await client.connect();
    await client.query(`drop schema if exists ${schema} cascade`);
    const sb = await startSwitchboard(19202, { DATABASE_URL: databaseUrl, SWITCHBOARD_PG_SCHEMA: schema });
    try {
      const readRuns = async () => (await client.query(`select status, created_at, finished_at from ${schema}.runs where route_id = 'bench-triage'`)).rows;
      rows.push({ name: 'runs, PostgreSQL (webhook commit → 3 steps → completion)', ...(await runsThrough(readRuns, sb.url)) });
    } finally {
      await stop(sb.child);
      rmSync(sb.dataDir, { recursive: true, force: true });
      await client.query(`drop schema if exists ${schema} cascade`);
      await client.end();
    }
  }
}

console.log(`\nbench:runs — offered ${rate} alerts/s for ${duration} s over ${connections} connections; bare queue ${jobCount} jobs; Node ${process.version}\n`);
console.log('| target | per s | p50 ms | p99 ms | completed | accepted | errors |');
console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const row of rows) {
  console.log(`| ${row.name} | ${Math.round(row.rate)} | ${row.p50} | ${row.p99} | ${row.count} | ${row.accepted ?? '-'} | ${row.errors ?? '-'} |`);
}
console.log('\nLatency: runs from the event\'s commit to the run\'s completion; bare queue from enqueue to the handler.');
console.log('Targets: ≥ 2,000 runs/s on each store, p50 ≤ 20 ms.');
