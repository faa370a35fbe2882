import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Dialect } from '../../src/store/database.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';
import { killCliProcesses, startServe } from '../cli/cli-process.js';
import { startWebhookReceiver, type WebhookReceiver } from '../delivery/support/webhook-receiver.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { waitUntil } from './runs-durability-fixtures.js';

const ADMIN_KEY = 'delivery-sigkill-admin-key-0123456789';
const USERS = 20;
const NOTIFICATIONS_PER_USER = 5;

describe.each<Dialect>(['sqlite', 'postgres'])('deliveries across a SIGKILL (%s)', (dialect) => {
  let database: TestDatabase | undefined;
  let reader: Store | undefined;
  let receivers: WebhookReceiver[] = [];
  afterEach(async () => {
    await killCliProcesses();
    await reader?.close();
    await Promise.all(receivers.map((r) => r.close()));
    await database?.cleanup();
    reader = database = undefined;
    receivers = [];
  });

  it('after a restart in the middle of a retry schedule, nothing recorded as sent is sent again and nothing pending is lost', { timeout: 90_000 }, async () => {
    database = createTestDatabase(dialect);
    const receipts: Array<{ id: string; atMs: number }> = [];
    const onRequest = (request: { headers: Record<string, unknown> }) => receipts.push({ id: String(request.headers['webhook-id']), atMs: Date.now() });
    // Two origins (each has its own circuit breaker): the flaky one is down until the test says otherwise, so its deliveries sit in RETRYING.
    const ok = await startWebhookReceiver({ record: false, onRequest });
    const flaky = await startWebhookReceiver({ record: false, onRequest });
    receivers = [ok, flaky];
    flaky.program({ status: 503 });
    const configFile = join(database.dataDir, 'switchboard.json');
    // A short lease, so the deliveries the killed process held are claimable soon after the restart; the
    // flaky receiver's breaker (its 503s open it) half-opens quickly, so held deliveries are not what this test waits for.
    writeFileSync(configFile, JSON.stringify({ delivery: { allow_private_networks: true, lease_ms: 1000, poll_interval_ms: 100, max_retry_delay_seconds: 2, breaker: { half_open_after_ms: 300 } } }));
    const env: Record<string, string> = { SWITCHBOARD_DATA_DIR: database.dataDir, SWITCHBOARD_ADMIN_KEY: ADMIN_KEY, SWITCHBOARD_CONFIG: configFile };
    if (database.databaseUrl !== undefined) Object.assign(env, { DATABASE_URL: database.databaseUrl, SWITCHBOARD_PG_SCHEMA: database.pgSchema });
    const first = await startServe(env);
    const call = async (url: string, method: string, path: string, body: unknown) => {
      const response = await fetch(`${url}${path}`, { method, headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };
    for (let user = 0; user < USERS; user += 1) {
      const target = user % 2 === 0 ? ok : flaky;
      const saved = await call(first.url, 'POST', `/api/v1/users/u${user}/integrations`, { integration_type: 'WEBHOOK', retry_count: 50, retry_delay_seconds: 1, config: { url: `${target.url}/hook` } });
      expect(saved.status).toBe(201);
    }
    const accepted: string[] = [];
    await Promise.all(
      Array.from({ length: USERS }, async (_, user) => {
        for (let n = 0; n < NOTIFICATIONS_PER_USER; n += 1) {
          const posted = await call(first.url, 'POST', '/api/v1/notifications', { user_id: `u${user}`, body: `message ${n}`, channels: ['WEBHOOK'] });
          expect(posted.status).toBe(202);
          accepted.push(...(posted.body['delivery_ids'] as string[]));
        }
      }),
    );
    expect(accepted).toHaveLength(USERS * NOTIFICATIONS_PER_USER);

    reader = await openStore({ databaseUrl: database.databaseUrl, dataDir: database.dataDir, pgSchema: database.pgSchema });
    const store = reader;
    const statuses = async () => {
      const rows = await store.db.selectFrom('delivery_logs').select(['delivery_id', 'status', 'attempts']).execute();
      return new Map(rows.map((row) => [row.delivery_id, { status: row.status, attempts: Number(row.attempts) }]));
    };
    let seen = '';
    // Kill once the reachable half is sent and the other half is being retried (some failed attempts
    // recorded; the rest held by the flaky origin's open breaker, which counts no attempt).
    await waitUntil(
      'half the deliveries succeeded and the rest are being retried',
      async () => {
        const now = await statuses();
        const values = [...now.values()];
        const counts = new Map<string, number>();
        for (const d of values) counts.set(d.status, (counts.get(d.status) ?? 0) + 1);
        seen = JSON.stringify(Object.fromEntries(counts));
        const succeeded = values.filter((d) => d.status === 'SUCCESS').length;
        const retrying = values.filter((d) => d.status === 'RETRYING').length;
        const open = values.filter((d) => d.status === 'PENDING' || d.status === 'RETRYING').length;
        return succeeded === accepted.length / 2 && open === accepted.length / 2 && retrying >= 5;
      },
      { timeoutMs: 30_000, progress: () => seen },
    );
    first.child.kill('SIGKILL');
    await new Promise((resolve) => first.child.once('exit', resolve));
    const beforeRestart = await statuses();
    const sentBefore = new Set([...beforeRestart].filter(([, d]) => d.status === 'SUCCESS').map(([id]) => id));
    const killedAtMs = Date.now();

    flaky.reset(); // the flaky receiver is back
    await startServe(env);
    await waitUntil(
      'every accepted delivery succeeded',
      async () => [...(await statuses()).values()].filter((d) => d.status === 'SUCCESS').length === accepted.length,
      { timeoutMs: 45_000, progress: () => `${receipts.length} receipts` },
    );

    const after = await statuses();
    expect([...after.keys()].sort()).toEqual([...accepted].sort());
    const resent = receipts.filter((r) => r.atMs > killedAtMs && sentBefore.has(r.id));
    expect(resent).toEqual([]);
    // Every delivery still open at the kill got through after the restart, under its own webhook-id.
    for (const [id, delivery] of beforeRestart) {
      if (delivery.status === 'SUCCESS') continue;
      expect(receipts.some((r) => r.id === id && r.atMs > killedAtMs), id).toBe(true);
      expect((after.get(id)?.attempts ?? 0) > delivery.attempts).toBe(true);
    }
  });
});
