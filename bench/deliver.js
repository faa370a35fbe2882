// bench:deliver — webhook deliveries/s from `POST /api/v1/notifications` to a local receiver, on SQLite
// and on PostgreSQL, beside the receiver's own rate (a bare POST loop against it) in the same run.
//
// The receiver (bench/webhook-sink.js) is a bare node:http server in its own child process that
// answers 200, counts requests and distinct webhook-ids, and reads the sender's clock from the body.
//   baseline: this process POSTs Standard Webhooks requests (the server's own payload builder and
//     signer from dist/, the same body size and headers) to the receiver through an undici Agent with
//     the server's outbound pool settings (--origin-connections connections) and --concurrency
//     requests in flight, for --duration seconds.
//   SQLite, PostgreSQL: a server process (delivery.concurrency = --concurrency, loopback receivers
//     allowed) on a fresh data dir, or a fresh schema bench_<pid>; --users users each get a WEBHOOK
//     override pointing at the receiver; then autocannon offers notifications for --duration seconds
//     (time-bound, not a fixed count) over --connections connections, each to one user (round robin)
//     with channels ["WEBHOOK"], and the bench waits until every committed delivery has left
//     PENDING/RETRYING (read from the database).
// deliveries/s (req/s for the baseline) = distinct webhook-ids received / (last arrival − first POST).
// Each store runs twice: one recipient per POST (the API's intake and the dispatcher together), and
// --fanout recipients per POST (the dispatcher's own rate, the intake cost shared; 1 skips it).
// Usage: npm run bench:deliver [-- --duration 10 --connections 50 --concurrency 128 --users 100 --fanout 10 --skip postgres]
// BENCH_PROFILE=<dir> writes the servers' CPU profiles there.
import { fork, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { clearTimeout } from 'node:timers';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import SqliteDatabase from 'better-sqlite3';
import pg from 'pg';
import { Agent } from 'undici';
import { newId } from '../dist/core/new-id.js';
import { buildWebhookPayload } from '../dist/delivery/channels/webhook-payload.js';
import { standardWebhooksScheme } from '../dist/ingress/verify/standard-webhooks.js';

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '50' },
    concurrency: { type: 'string', default: '128' },
    'origin-connections': { type: 'string', default: '32' },
    users: { type: 'string', default: '100' },
    fanout: { type: 'string', default: '10' },
    'drain-timeout': { type: 'string', default: '300' },
    'database-url': { type: 'string', default: process.env.BENCH_DATABASE_URL ?? 'postgres://127.0.0.1:5432/test' },
    skip: { type: 'string', default: '' },
  },
});
const duration = Number(values.duration);
const connections = Number(values.connections);
const concurrency = Number(values.concurrency);
const originConnections = Number(values['origin-connections']);
const userCount = Number(values.users);
const fanout = Number(values.fanout);
const drainTimeoutMs = Number(values['drain-timeout']) * 1000;
const databaseUrl = values['database-url'];
const skip = new Set(values.skip.split(',').filter(Boolean));
const root = new URL('..', import.meta.url).pathname;
const pgUrl = databaseUrl.replace('postgres://', `postgres://${userInfo().username}@`);
const sinkPort = 19301;
const sinkOrigin = `http://127.0.0.1:${sinkPort}`;

/** The clock the receiver compares against (sub-millisecond, shared by processes on one machine). */
const now = () => performance.timeOrigin + performance.now();
const subject = 'Deploy finished';
const text = 'Deploy #4821 of orders-api to production finished in 3m12s: 14 services updated, all health checks green.';
const whsec = () => `whsec_${randomBytes(32).toString('base64')}`;

// Everything started is stopped and removed here, last first, also on an error or Ctrl-C.
const cleanups = [];
async function cleanUp() {
  while (cleanups.length > 0) {
    try {
      await cleanups.pop()();
    } catch (error) {
      console.error('cleanup failed:', error);
    }
  }
}
process.once('SIGINT', () => void cleanUp().then(() => process.exit(130)));
process.once('SIGTERM', () => void cleanUp().then(() => process.exit(143)));

async function stop(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  await exited;
  clearTimeout(timer);
}

/** The receiver process, with ask(cmd) → its answer over IPC. */
async function startSink() {
  const child = fork(join(root, 'bench/webhook-sink.js'), { env: { ...process.env, PORT: String(sinkPort) }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  cleanups.push(() => stop(child));
  await new Promise((resolve, reject) => {
    child.once('message', resolve);
    child.once('exit', (code) => reject(new Error(`webhook sink exited (${code})`)));
  });
  const ask = (message) =>
    new Promise((resolve) => {
      const onMessage = (answer) => {
        if (answer?.cmd !== message.cmd) return;
        child.off('message', onMessage);
        resolve(answer);
      };
      child.on('message', onMessage);
      child.send(message);
    });
  return { child, ask };
}

/** The bare loop: `concurrency` requests in flight through the server's kind of pool, each a freshly built and signed payload. */
async function bareLoop(sink) {
  const agent = new Agent({ connections: originConnections });
  const secret = whsec();
  const notificationId = newId();
  await sink.ask({ cmd: 'reset' });
  let ok = 0;
  let errors = 0;
  const started = now();
  const deadline = started + duration * 1000;
  const loop = async () => {
    while (now() < deadline) {
      const nowMs = Date.now();
      const deliveryId = newId(nowMs);
      const message = { deliveryId, notificationId, userId: 'bench-user-0', subject, body: text, data: { sent_at: now() }, createdAtMs: nowMs, attempt: 1 };
      const body = Buffer.from(buildWebhookPayload(message, 'standard-webhooks', nowMs));
      const signed = standardWebhooksScheme.sign(body, secret, { tolerance_seconds: 300 }, { url: `${sinkOrigin}/hook`, messageId: deliveryId, nowMs });
      const headers = { 'content-type': 'application/json', 'user-agent': 'Switchboard-Webhooks/1.0', ...signed };
      try {
        const response = await agent.request({ origin: sinkOrigin, path: '/hook', method: 'POST', headers, body });
        await response.body.dump();
        if (response.statusCode === 200) ok += 1;
        else errors += 1;
      } catch {
        errors += 1;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, loop));
  await agent.close();
  const stats = await sink.ask({ cmd: 'stats' });
  return {
    name: `bare POST loop → receiver (${concurrency} in flight, ${originConnections} connections)`,
    rate: stats.unique / ((stats.last - started) / 1000),
    e2e: { p50: stats.p50, p99: stats.p99 },
    delivered: ok,
    accepted: ok + errors,
    duplicates: stats.duplicates,
    failed: errors,
  };
}

/** A server process on `dataDir` with `extraEnv`'s database. */
async function startServer(port, dataDir, extraEnv) {
  const configFile = join(dataDir, 'switchboard.json');
  writeFileSync(configFile, JSON.stringify({ delivery: { concurrency, webhook: { connections_per_origin: originConnections } } }));
  const profile = process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : [];
  const adminKey = `sbk_${randomBytes(32).toString('base64url')}`;
  const child = spawn(process.execPath, [...profile, join(root, 'bin/switchboard.js'), 'serve'], {
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      SWITCHBOARD_DATA_DIR: dataDir,
      SWITCHBOARD_CONFIG: configFile,
      SWITCHBOARD_ADMIN_KEY: adminKey,
      SWITCHBOARD_SECRET_KEY: randomBytes(32).toString('base64'),
      SWITCHBOARD_ALLOW_PRIVATE_NETWORKS: 'true',
      LOG_LEVEL: 'warn',
      ...extraEnv,
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  cleanups.push(() => stop(child));
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i += 1) {
    if (child.exitCode !== null) throw new Error(`switchboard exited (${child.exitCode})`);
    try {
      if ((await fetch(`${base}/health`)).ok) break;
    } catch {
      if (i > 400) throw new Error('switchboard did not start');
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return { child, base, adminKey };
}

/** Gives bench-user-0 … bench-user-(n−1) a WEBHOOK override to the receiver, each with its own secret. */
async function createUsers(server) {
  for (let i = 0; i < userCount; i += 1) {
    const response = await fetch(`${server.base}/api/v1/users/bench-user-${i}/integrations/WEBHOOK`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${server.adminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ enabled: true, retry_count: 3, retry_delay_seconds: 1, config: { url: `${sinkOrigin}/hook`, secret: whsec() } }),
    });
    if (response.status !== 201 && response.status !== 200) throw new Error(`user override failed: ${response.status} ${await response.text()}`);
  }
}

/** Offers notifications for `duration` seconds; counts the delivery ids in the 202 answers. */
function offer(server, recipients) {
  let n = 0;
  let accepted = 0;
  let rejected = 0;
  const requests = [
    {
      method: 'POST',
      path: '/api/v1/notifications',
      setupRequest(request) {
        n += 1;
        request.headers = { authorization: `Bearer ${server.adminKey}`, 'content-type': 'application/json' };
        const userIds = Array.from({ length: recipients }, (_, k) => `bench-user-${(n * recipients + k) % userCount}`);
        request.body = JSON.stringify({ user_ids: userIds, subject, body: text, channels: ['WEBHOOK'], data: { sent_at: now() } });
        return request;
      },
      onResponse(status, body) {
        if (status === 202) accepted += JSON.parse(String(body)).delivery_ids.length;
        else rejected += 1;
      },
    },
  ];
  return new Promise((resolve, reject) => {
    const instance = autocannon({ url: server.base, connections, duration, pipelining: 1, requests }, (error, result) => {
      cleanups.splice(cleanups.indexOf(stopLoad), 1);
      if (error) reject(error);
      else resolve({ result, accepted: () => accepted, rejected: () => rejected });
    });
    const stopLoad = async () => instance.stop();
    cleanups.push(stopLoad);
  });
}

/** Waits until the deliveries in the database are at least `accepted` and none is PENDING or RETRYING (twice in a row). */
async function waitForDeliveries(readStatus, accepted) {
  const deadline = Date.now() + drainTimeoutMs;
  let settled = 0;
  for (;;) {
    const counts = await readStatus();
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    const open = (counts.PENDING ?? 0) + (counts.RETRYING ?? 0);
    settled = total >= accepted && open === 0 ? settled + 1 : 0;
    if (settled >= 2) return { counts, total, timedOut: false };
    if (Date.now() > deadline) return { counts, total, timedOut: true };
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** One store: `open` gives a data dir, the server's extra env and a reader of the delivery status counts. */
async function deliverThrough(name, port, sink, open, recipients) {
  const { dataDir, env, readStatus } = await open();
  const server = await startServer(port, dataDir, env);
  await createUsers(server);
  await sink.ask({ cmd: 'reset' });
  const started = now();
  const offered = await offer(server, recipients);
  await sink.ask({ cmd: 'mark' });
  const drained = await waitForDeliveries(readStatus, offered.accepted());
  const stats = await sink.ask({ cmd: 'stats' });
  await stop(server.child);
  const { result } = offered;
  if (drained.timedOut) console.error(`${name}: deliveries still open after ${drainTimeoutMs / 1000} s: ${JSON.stringify(drained.counts)}`);
  if (stats.unique !== (drained.counts.SUCCESS ?? 0)) console.error(`${name}: the receiver saw ${stats.unique} ids, the database has ${drained.counts.SUCCESS ?? 0} SUCCESS`);
  return {
    name: recipients === 1 ? name : `${name}, ${recipients} recipients per POST`,
    rate: stats.unique / ((stats.last - started) / 1000),
    post: { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, errors: result.non2xx + result.errors + result.timeouts },
    e2e: { p50: stats.p50, p99: stats.p99 },
    delivered: drained.counts.SUCCESS ?? 0,
    accepted: drained.total,
    clientAccepted: offered.accepted(),
    duplicates: stats.duplicates,
    failed: drained.total - (drained.counts.SUCCESS ?? 0),
    counts: drained.counts,
    drainSeconds: Math.max(0, (stats.last - stats.mark.at) / 1000),
    offerRate: stats.mark.unique / ((stats.mark.at - started) / 1000),
    drainRate: stats.unique > stats.mark.unique ? (stats.unique - stats.mark.unique) / ((stats.last - stats.mark.at) / 1000) : 0,
  };
}

const statusQuery = 'select status, count(*) as n from delivery_logs group by status';
const toCounts = (rows) => Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));

const rows = [];
try {
  const sink = await startSink();
  rows.push(await bareLoop(sink));

  const perPost = fanout > 1 ? [1, fanout] : [1];
  for (const recipients of skip.has('sqlite') ? [] : perPost) {
    rows.push(
      await deliverThrough('Switchboard, SQLite', 19302, sink, async () => {
        const dataDir = mkdtempSync(join(tmpdir(), 'sb-bench-deliver-'));
        cleanups.push(async () => rmSync(dataDir, { recursive: true, force: true }));
        const file = join(dataDir, 'switchboard.db');
        return {
          dataDir,
          env: {},
          readStatus: async () => {
            const db = new SqliteDatabase(file, { readonly: true, fileMustExist: true });
            try {
              return toCounts(db.prepare(statusQuery).all());
            } finally {
              db.close();
            }
          },
        };
      }, recipients),
    );
  }

  for (const recipients of skip.has('postgres') ? [] : perPost) {
    rows.push(
      await deliverThrough('Switchboard, PostgreSQL', 19303, sink, async () => {
        const dataDir = mkdtempSync(join(tmpdir(), 'sb-bench-deliver-'));
        cleanups.push(async () => rmSync(dataDir, { recursive: true, force: true }));
        const schema = `bench_${process.pid}`;
        const client = new pg.Client({ connectionString: pgUrl });
        await client.connect();
        cleanups.push(async () => {
          await client.query(`drop schema if exists ${schema} cascade`);
          await client.end();
        });
        await client.query(`drop schema if exists ${schema} cascade`);
        return {
          dataDir,
          env: { DATABASE_URL: databaseUrl, SWITCHBOARD_PG_SCHEMA: schema },
          readStatus: async () => toCounts((await client.query(statusQuery.replace('delivery_logs', `${schema}.delivery_logs`))).rows),
        };
      }, recipients),
    );
  }
} finally {
  await cleanUp();
}

const base = rows[0].rate;
const ms = (value) => (Number.isFinite(value) ? (value < 10 ? value.toFixed(1) : Math.round(value)) : '-');
console.log(
  `\nbench:deliver — ${duration} s offered, ${connections} POST connections, delivery concurrency ${concurrency}, ${originConnections} connections to the receiver, ${userCount} users; Node ${process.version}\n`,
);
console.log('| target | deliveries/s | ratio to bare loop | POST req/s | POST p50/p99 ms | end-to-end p50/p99 ms | delivered / accepted | duplicates | not SUCCESS |');
console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const row of rows) {
  const post = row.post === undefined ? '- | -' : `${Math.round(row.post.rps)} | ${row.post.p50}/${row.post.p99}`;
  console.log(
    `| ${row.name} | ${Math.round(row.rate)} | ${(row.rate / base).toFixed(2)} | ${post} | ${ms(row.e2e.p50)}/${ms(row.e2e.p99)} | ${row.delivered} / ${row.accepted} | ${row.duplicates} | ${row.failed} |`,
  );
}
console.log('\ndeliveries/s: distinct webhook-ids the receiver got / (its last arrival − the first POST), backlog drain included; req/s for the bare loop.');
console.log('POST: autocannon against POST /api/v1/notifications (one user, channels ["WEBHOOK"], one delivery each); p50/p99 of the 202.');
console.log('end-to-end: the client\'s clock in the notification\'s data → the receiver\'s arrival (for the bare loop: request built → arrival).');
console.log('delivered / accepted: SUCCESS rows / delivery rows in the database (the bare loop: 200s / requests). duplicates: a webhook-id received twice.');
for (const row of rows) {
  if (row.post === undefined) continue;
  const open = Object.entries(row.counts).filter(([status]) => status !== 'SUCCESS');
  console.log(
    `${row.name}: ${row.clientAccepted} delivery ids in 202s (in-flight POSTs at the stop commit too), POST errors ${row.post.errors}; ` +
      `${Math.round(row.offerRate)} deliveries/s while POSTs were offered, ` +
      (row.drainSeconds < 0.5 ? `no backlog after (last one ${row.drainSeconds.toFixed(1)} s after the offer ended)` : `${Math.round(row.drainRate)}/s draining the backlog after (last one ${row.drainSeconds.toFixed(1)} s after the offer ended)`) +
      `${open.length > 0 ? `; not SUCCESS: ${JSON.stringify(Object.fromEntries(open))}` : ''}.`,
  );
}
console.log('Targets: ≥ 1,000 deliveries/s on each store, ≥ 0.5 of the bare loop.');
