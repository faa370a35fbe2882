// bench:runs — runs of a three-step route (triage → transform → emit) on SQLite and on PostgreSQL,
// beside the bare job queue (enqueue → claim → no-op → complete) measured in the same run.
//
// For each store, against a real server process:
//   1. throughput: N alerts are committed through the webhook endpoint while the server's run worker
//      is off; the server restarts with its worker on, and runs/s is N over the time from the first
//      step's start to the last run's completion (the engine at full speed, no HTTP competing).
//   2. latency: alerts are offered at --rate per second for --duration seconds with the worker on;
//      p50/p99 are from each event's commit (the run's creation) to the run's completion.
// The bare queue enqueues --jobs no-op jobs in batches (like group commit) and drains them with the
// same worker settings in this process.
// Usage: npm run bench:runs [-- --runs 10000 --rate 500 --duration 10 --jobs 20000 --skip postgres]
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
import { enqueue } from '../dist/queue/enqueue.js';
import { InProcessJobNotifier } from '../dist/queue/in-process-job-notifier.js';
import { JobWorker } from '../dist/queue/job-worker.js';
import { PostgresJobNotifier } from '../dist/queue/postgres-job-notifier.js';
import { migrateToLatest } from '../dist/store/migrate-to-latest.js';
import { openStore } from '../dist/store/open-store.js';
import { SqliteIngestWriter } from '../dist/store/sqlite-writer/sqlite-ingest-writer.js';
import { TransactionBatcher } from '../dist/store/transaction-batcher.js';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '10000' },
    rate: { type: 'string', default: '500' },
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '50' },
    concurrency: { type: 'string', default: '256' },
    jobs: { type: 'string', default: '20000' },
    'database-url': { type: 'string', default: process.env.BENCH_DATABASE_URL ?? 'postgres://127.0.0.1:5432/test' },
    skip: { type: 'string', default: '' },
  },
});
const runCount = Number(values.runs);
const rate = Number(values.rate);
const duration = Number(values.duration);
const connections = Number(values.connections);
const concurrency = Number(values.concurrency);
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

/** The bare queue: jobs enqueued in batches of 256, drained by a no-op handler with the runs worker's settings. */
async function bareQueue(dialect) {
  const dataDir = mkdtempSync(join(tmpdir(), 'sb-bench-queue-'));
  const schema = `bench_queue_${process.pid}`;
  const store = await openStore(
    dialect === 'sqlite'
      ? { dataDir, sqliteSynchronous: 'FULL', poolSize: 10, pgSchema: 'public' }
      : { databaseUrl, dataDir, sqliteSynchronous: 'FULL', poolSize: 10, pgSchema: schema },
  );
  await migrateToLatest(store);
  const writer = store.sqliteFile === undefined ? undefined : new SqliteIngestWriter({ file: store.sqliteFile.path, synchronous: store.sqliteFile.synchronous });
  const notifier = dialect === 'sqlite' ? new InProcessJobNotifier() : new PostgresJobNotifier({ databaseUrl });
  if (notifier instanceof PostgresJobNotifier) await notifier.start();
  for (let sent = 0; sent < jobCount; sent += 256) {
    const jobs = Array.from({ length: Math.min(256, jobCount - sent) }, () => ({ queue: 'bench', payload: {}, maxAttempts: 3 }));
    await store.db.transaction().execute((trx) => enqueue(trx, notifier, { jobs, nowMs: Date.now() }));
  }
  let done = 0;
  let resolveAll;
  const all = new Promise((resolve) => (resolveAll = resolve));
  const worker = new JobWorker({
    db: store.db,
    dialect: store.dialect,
    notifier,
    clock: systemClock,
    random: Math.random,
    concurrency,
    settle: new TransactionBatcher(store.db, { maxBatchSize: 256, maxConcurrentCommits: 1 }),
    ...(writer === undefined ? {} : { claim: (request) => writer.claim(request) }),
    queues: {
      bench: {
        policy: { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 1000 },
        handler: async () => {
          done += 1;
          if (done === jobCount) setImmediate(resolveAll);
        },
      },
    },
  });
  const started = performance.now();
  worker.start();
  await all;
  await worker.stop(); // the last completions commit here
  const seconds = (performance.now() - started) / 1000;
  if (notifier instanceof PostgresJobNotifier) await notifier.stop();
  await writer?.close();
  await store.close();
  if (dialect === 'postgres') {
    const client = new pg.Client({ connectionString: pgUrl });
    await client.connect();
    await client.query(`drop schema if exists ${schema} cascade`);
    await client.end();
  }
  rmSync(dataDir, { recursive: true, force: true });
  return { rate: jobCount / seconds, count: jobCount };
}

/** A server process on `dataDir` (and `extraEnv`'s database), the route in its config file. */
async function startServer(port, dataDir, worker, extraEnv) {
  const configFile = join(dataDir, 'switchboard.json');
  writeFileSync(configFile, JSON.stringify({ routes: [route], runs: { worker, concurrency } }));
  // BENCH_PROFILE=<dir> writes the server's CPU profile there.
  const profile = process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : [];
  const child = spawn(process.execPath, [...profile, join(root, 'bin/switchboard.js'), 'serve'], {
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', SWITCHBOARD_DATA_DIR: dataDir, SWITCHBOARD_CONFIG: configFile, LOG_LEVEL: 'error', ...extraEnv },
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
  return { child, base, url: `${base}/integration/webhooks/alerts` };
}

async function stop(child) {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.on('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

async function register(base, dataDir) {
  const adminKey = readFileSync(join(dataDir, 'admin.key'), 'utf8').trim();
  const response = await fetch(`${base}/integration/webhooks/register`, {
    method: 'POST',
    headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ endpoint_id: 'alerts', verification: { scheme: 'none' }, allow_unsigned: true }),
  });
  if (response.status !== 201) throw new Error(`register failed: ${response.status} ${await response.text()}`);
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

function load(url, options) {
  return new Promise((resolve, reject) => {
    autocannon({ url, connections, requests: alertRequests(), ...options }, (error, result) => (error ? reject(error) : resolve(result)));
  });
}

async function waitForRuns(readRuns, expected) {
  const deadline = Date.now() + 300_000;
  for (;;) {
    const runs = await readRuns();
    if (runs.filter((r) => r.finished_at !== null).length >= expected || Date.now() > deadline) return runs;
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Both phases against one store: `open` gives a data dir, extra env and a reader of (created, started, finished) per run. */
async function runsThrough(name, port, open) {
  const { dataDir, env, readRuns, cleanup } = await open();
  try {
    // 1. Throughput: commit a backlog with the worker off, then drain it with the worker on.
    let server = await startServer(port, dataDir, false, env);
    await register(server.base, dataDir);
    const committed = await load(server.url, { amount: runCount });
    await stop(server.child);
    server = await startServer(port, dataDir, true, env);
    const drained = await waitForRuns(readRuns, committed['2xx']);
    const finished = drained.filter((r) => r.finished_at !== null);
    const firstStart = Math.min(...finished.map((r) => Number(r.started_at)));
    const lastFinish = Math.max(...finished.map((r) => Number(r.finished_at)));
    const throughput = finished.length / ((lastFinish - firstStart) / 1000);

    // 2. Latency: a steady offered rate with the worker on.
    const before = new Set(drained.map((r) => r.id));
    const steady = await load(server.url, { duration, overallRate: rate });
    const all = await waitForRuns(readRuns, before.size + steady['2xx']);
    await stop(server.child);
    const fresh = all.filter((r) => !before.has(r.id) && r.finished_at !== null);
    const latencies = fresh.map((r) => Number(r.finished_at) - Number(r.created_at)).sort((a, b) => a - b);
    const succeeded = all.filter((r) => r.status === 'succeeded').length;
    return {
      name,
      rate: throughput,
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      count: succeeded,
      accepted: committed['2xx'] + steady['2xx'],
      errors: committed.non2xx + committed.errors + steady.non2xx + steady.errors + steady.timeouts,
    };
  } finally {
    await cleanup();
  }
}

const runsQuery = (table) =>
  `select r.id, r.status, r.created_at, r.finished_at, min(s.started_at) as started_at from ${table.runs} r left join ${table.steps} s on s.run_id = r.id where r.route_id = 'bench-triage' group by r.id, r.status, r.created_at, r.finished_at`;

const rows = [];
for (const dialect of ['sqlite', 'postgres']) {
  if (skip.has(dialect)) continue;
  rows.push({ name: `bare queue, ${dialect} (enqueue → claim → no-op → complete)`, ...(await bareQueue(dialect)) });
  if (dialect === 'sqlite') {
    rows.push(
      await runsThrough('runs, SQLite (commit → 3 steps → completion)', 19201, async () => {
        const dataDir = mkdtempSync(join(tmpdir(), 'sb-bench-runs-'));
        const file = join(dataDir, 'switchboard.db');
        return {
          dataDir,
          env: {},
          readRuns: async () => {
            const db = new SqliteDatabase(file, { readonly: true });
            try {
              return db.prepare(runsQuery({ runs: 'runs', steps: 'run_steps' })).all();
            } finally {
              db.close();
            }
          },
          cleanup: async () => rmSync(dataDir, { recursive: true, force: true }),
        };
      }),
    );
  } else {
    rows.push(
      await runsThrough('runs, PostgreSQL (commit → 3 steps → completion)', 19202, async () => {
        const dataDir = mkdtempSync(join(tmpdir(), 'sb-bench-runs-'));
        const schema = `bench_runs_${process.pid}`;
        const client = new pg.Client({ connectionString: pgUrl });
        await client.connect();
        await client.query(`drop schema if exists ${schema} cascade`);
        return {
          dataDir,
          env: { DATABASE_URL: databaseUrl, SWITCHBOARD_PG_SCHEMA: schema },
          readRuns: async () => (await client.query(runsQuery({ runs: `${schema}.runs`, steps: `${schema}.run_steps` }))).rows,
          cleanup: async () => {
            rmSync(dataDir, { recursive: true, force: true });
            await client.query(`drop schema if exists ${schema} cascade`);
            await client.end();
          },
        };
      }),
    );
  }
}

console.log(`\nbench:runs — ${runCount} runs drained; latency at ${rate} alerts/s offered for ${duration} s; worker concurrency ${concurrency}; bare queue ${jobCount} jobs; Node ${process.version}\n`);
console.log('| target | runs or jobs per s | p50 ms | p99 ms | succeeded | accepted | errors |');
console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const row of rows) {
  console.log(`| ${row.name} | ${Math.round(row.rate)} | ${row.p50 ?? '-'} | ${row.p99 ?? '-'} | ${row.count} | ${row.accepted ?? '-'} | ${row.errors ?? '-'} |`);
}
console.log('\nper s: runs/s draining a committed backlog (first step started → last run finished); jobs/s for the bare queue.');
console.log('accepted: 2xx the client counted; requests still in flight when autocannon stops also commit and run, so succeeded can be a little higher.');
console.log('Latency: from the event\'s commit to its run\'s completion, at the offered rate. Targets: ≥ 2,000 runs/s on each store, p50 ≤ 20 ms.');
