import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { Dialect } from '../../src/store/database.js';
import { killCliProcesses, startServe } from '../cli/cli-process.js';
import { signWebhook } from '../management/sign-webhook.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

const ADMIN_KEY = 'durability-admin-key-0123456789';
const auth = { authorization: `Bearer ${ADMIN_KEY}` };
/** Concurrent senders, and how many acknowledged webhooks to wait for before the SIGKILL. */
const SENDERS = 20;
const ACKNOWLEDGED_BEFORE_KILL = 400;

interface Acknowledged {
  readonly webhookId: string;
  readonly eventId: string;
}

/** Every event id in the store, read through the API page by page. */
async function storedEventIds(url: string): Promise<Set<string>> {
  const ids = new Set<string>();
  let cursor: string | null = null;
  do {
    const query: string = cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`;
    const response = await fetch(`${url}/api/v1/events?source=crash&limit=500${query}`, { headers: auth });
    expect(response.status).toBe(200);
    const page = (await response.json()) as { events: Array<{ id: string }>; next_cursor: string | null };
    for (const event of page.events) ids.add(event.id);
    cursor = page.next_cursor;
  } while (cursor !== null);
  return ids;
}

function sendSigned(url: string, secret: string, webhookId: string, body: Buffer): Promise<Response> {
  const headers = signWebhook('standard-webhooks', body, secret, { nowMs: Date.now(), messageId: webhookId });
  return fetch(`${url}/integration/webhooks/crash`, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json' },
    body,
    signal: AbortSignal.timeout(10_000),
  });
}

describe.each<Dialect>(['sqlite', 'postgres'])('crash durability (%s)', (dialect) => {
  let database: TestDatabase | undefined;
  afterEach(async () => {
    await killCliProcesses();
    await database?.cleanup();
    database = undefined;
  });

  it('keeps every acknowledged webhook across a SIGKILL mid-stream', async () => {
    database = createTestDatabase(dialect);
    const env: Record<string, string> = { SWITCHBOARD_DATA_DIR: database.dataDir, SWITCHBOARD_ADMIN_KEY: ADMIN_KEY };
    if (database.databaseUrl !== undefined) Object.assign(env, { DATABASE_URL: database.databaseUrl, SWITCHBOARD_PG_SCHEMA: database.pgSchema });

    const first = await startServe(env);
    const secret = `whsec_${randomBytes(32).toString('base64')}`;
    const registered = await fetch(`${first.url}/integration/webhooks/register`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ endpoint_id: 'crash', secret }),
    });
    expect(registered.status).toBe(201);

    const acknowledged: Acknowledged[] = [];
    const unexpected: string[] = [];
    let attempts = 0;
    let killed = false;
    const sender = async (loop: number) => {
      for (let seq = 0; ; seq += 1) {
        const webhookId = `crash-${loop}-${seq}`;
        attempts += 1;
        let response: Response;
        try {
          response = await sendSigned(first.url, secret, webhookId, Buffer.from(JSON.stringify({ type: 'crash.test', loop, seq })));
        } catch {
          // The connection died with the server: this webhook was never acknowledged.
          return;
        }
        let text: string;
        try {
          text = await response.text();
        } catch {
          return;
        }
        if (response.status === 202) {
          acknowledged.push({ webhookId, eventId: (JSON.parse(text) as { event_id: string }).event_id });
        } else {
          unexpected.push(`${response.status} ${text}`);
          return;
        }
        if (!killed && acknowledged.length >= ACKNOWLEDGED_BEFORE_KILL) {
          killed = true;
          first.child.kill('SIGKILL');
        }
      }
    };
    await Promise.all(Array.from({ length: SENDERS }, (_, loop) => sender(loop)));
    expect(await first.exited).toBe('SIGKILL');
    expect(unexpected).toEqual([]);
    expect(acknowledged.length).toBeGreaterThanOrEqual(ACKNOWLEDGED_BEFORE_KILL);
    // Requests were still in flight when the process died.
    expect(attempts).toBeGreaterThan(acknowledged.length);

    const second = await startServe(env);
    const stored = await storedEventIds(second.url);
    const lost = acknowledged.filter((a) => !stored.has(a.eventId));
    expect(lost, `${lost.length} of ${acknowledged.length} acknowledged events were lost`).toEqual([]);
    expect(stored.size).toBeLessThanOrEqual(attempts);

    // Redelivering an acknowledged webhook finds the original: the idempotency keys survived too.
    const sample = acknowledged.filter((_, index) => index % 20 === 0);
    const redelivered = await Promise.all(
      sample.map(async ({ webhookId }) => {
        const [loop, seq] = webhookId.split('-').slice(1).map(Number);
        const response = await sendSigned(second.url, secret, webhookId, Buffer.from(JSON.stringify({ type: 'crash.test', loop, seq })));
        return { status: response.status, body: (await response.json()) as { event_id: string; status: string } };
      }),
    );
    redelivered.forEach((answer, index) => {
      expect(answer).toEqual({ status: 200, body: { event_id: sample[index]?.eventId, status: 'duplicate' } });
    });

    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  });
});
