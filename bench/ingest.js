// bench:ingest — webhook ingest throughput: a bare Fastify route (baseline) vs a standard-webhooks
// endpoint with durable group commit on SQLite and on PostgreSQL. Prints one table.
// Usage: npm run bench:ingest [-- --duration 10 --connections 100]
import { fork, spawn } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import pg from 'pg';
import { userInfo } from 'node:os';

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '100' },
    'database-url': { type: 'string', default: process.env.BENCH_DATABASE_URL ?? 'postgres://127.0.0.1:5432/test' },
    skip: { type: 'string', default: '' },
  },
});
const duration = Number(values.duration);
const connections = Number(values.connections);
const root = new URL('..', import.meta.url).pathname;
const body = JSON.stringify({
  type: 'payment.completed',
  data: { id: 'pay_123', amount: 4200, currency: 'usd', customer: { id: 'cus_1', email: 'a@example.com' } },
});

async function startBare(port) {
  const child = fork(join(root, 'bench/bare-server.js'), { env: { ...process.env, PORT: String(port) }, stdio: 'pipe' });
  await new Promise((resolve) => child.on('message', resolve));
  return { child, url: `http://127.0.0.1:${port}/bare` };
}

async function startSwitchboard(port, extraEnv) {
  const dataDir = mkdtempSync(join(tmpdir(), 'sb-bench-'));
  const child = spawn(process.execPath, [join(root, 'bin/switchboard.js'), 'serve'], {
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', SWITCHBOARD_DATA_DIR: dataDir, LOG_LEVEL: 'warn', ...extraEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i += 1) {
    try {
      if ((await fetch(`${base}/health`)).ok) break;
    } catch {
      if (i > 200) throw new Error('switchboard did not start');
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  const adminKey = readFileSync(join(dataDir, 'admin.key'), 'utf8').trim();
  const secret = `whsec_${randomBytes(32).toString('base64')}`;
  const response = await fetch(`${base}/integration/webhooks/register`, {
    method: 'POST',
    headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ endpoint_id: 'bench', secret, verification: { scheme: 'standard-webhooks' } }),
  });
  if (response.status !== 201) throw new Error(`register failed: ${response.status} ${await response.text()}`);
  return { child, dataDir, url: `${base}/integration/webhooks/bench`, secret, base, adminKey };
}

function signedRequest(secret) {
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  let n = 0;
  return {
    method: 'POST',
    setupRequest(request) {
      n += 1;
      const id = `msg_${process.pid}_${n}`;
      const ts = Math.floor(Date.now() / 1000).toString();
      const signature = createHmac('sha256', key).update(`${id}.${ts}.${body}`).digest('base64');
      request.headers = { 'content-type': 'application/json', 'webhook-id': id, 'webhook-timestamp': ts, 'webhook-signature': `v1,${signature}` };
      request.body = body;
      return request;
    },
  };
}

function run(url, requests) {
  return new Promise((resolve, reject) => {
    autocannon({ url, connections, duration, pipelining: 1, requests }, (error, result) => (error ? reject(error) : resolve(result)));
  });
}

async function stop(child) {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.on('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

function summarize(name, result) {
  const ok2xx = result['2xx'];
  return { name, rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, ok: ok2xx, errors: result.non2xx + result.errors + result.timeouts };
}

async function countEvents(base, adminKey) {
  const status = await (await fetch(`${base}/integration/webhooks/bench/status`, { headers: { authorization: `Bearer ${adminKey}` } })).json();
  return status.counts.accepted;
}

const rows = [];
const skip = new Set(values.skip.split(',').filter(Boolean));

{
  const bare = await startBare(19101);
  // The baseline gets the same traffic as (b) and (c): the same body and headers, signed per request by
  // the same client code, so the client's own cost is equal and the ratio measures the server.
  rows.push(summarize('(a) bare Fastify route', await run(bare.url, [signedRequest(`whsec_${randomBytes(32).toString('base64')}`)])));
  await stop(bare.child);
}

if (!skip.has('sqlite')) {
  const sb = await startSwitchboard(19102, {});
  const result = await run(sb.url, [signedRequest(sb.secret)]);
  const stored = await countEvents(sb.base, sb.adminKey);
  rows.push({ ...summarize('(b) standard-webhooks + SQLite commit', result), stored });
  await stop(sb.child);
  rmSync(sb.dataDir, { recursive: true, force: true });
}

if (!skip.has('postgres')) {
  const schema = `bench_${process.pid}`;
  const client = new pg.Client({ connectionString: values['database-url'].replace('postgres://', `postgres://${userInfo().username}@`) });
  await client.connect();
  await client.query(`drop schema if exists ${schema} cascade`);
  const sb = await startSwitchboard(19103, { DATABASE_URL: values['database-url'], SWITCHBOARD_PG_SCHEMA: schema });
  try {
    const result = await run(sb.url, [signedRequest(sb.secret)]);
    const stored = await countEvents(sb.base, sb.adminKey);
    rows.push({ ...summarize('(c) standard-webhooks + PostgreSQL commit', result), stored });
  } finally {
    await stop(sb.child);
    rmSync(sb.dataDir, { recursive: true, force: true });
    await client.query(`drop schema if exists ${schema} cascade`);
    await client.end();
  }
}

const base = rows[0].rps;
console.log(`\nbench:ingest — ${connections} connections, ${duration} s each, Node ${process.version}\n`);
console.log('| target | req/s | p50 ms | p99 ms | 2xx | non-2xx/errors | stored | ratio to (a) |');
console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const row of rows) {
  console.log(`| ${row.name} | ${Math.round(row.rps)} | ${row.p50} | ${row.p99} | ${row.ok} | ${row.errors} | ${row.stored ?? '-'} | ${(row.rps / base).toFixed(2)} |`);
}
console.log('\nTargets: (b)/(a) ≥ 0.5, (c)/(a) ≥ 0.3, p99 ≤ 25 ms. Every 2xx from (b) and (c) was committed before it was sent.');
