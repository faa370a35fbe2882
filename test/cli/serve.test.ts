import { Agent, request as httpRequest, type IncomingMessage } from 'node:http';
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { findEvent } from '../../src/store/events/find-event.js';
import { openStore } from '../../src/store/open-store.js';
import { signWebhook } from '../management/sign-webhook.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { killCliProcesses, startServe } from './cli-process.js';

const ADMIN_KEY = 'serve-test-admin-key-0123456789';

/** Whether a new TCP connection to `url` is accepted (true) or refused (false); a reset from a closing listener counts as refused. */
function acceptsConnections(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port) });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => (error.code === 'ECONNREFUSED' || error.code === 'ECONNRESET' ? resolve(false) : reject(error)));
  });
}

/** Resolves once new connections to `url` are refused (the listener closes right after the signal is handled). */
async function waitUntilRefused(url: string): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    if (!(await acceptsConnections(url))) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('the server kept accepting connections after SIGTERM');
}

describe('switchboard serve', () => {
  let database: TestDatabase | undefined;
  const agents: Agent[] = [];
  afterEach(async () => {
    for (const agent of agents.splice(0)) agent.destroy();
    await killCliProcesses();
    await database?.cleanup();
    database = undefined;
  });

  it('on SIGTERM stops accepting, finishes the in-flight request with 2xx, and exits 0', async () => {
    database = createTestDatabase('sqlite');
    const server = await startServe({ SWITCHBOARD_DATA_DIR: database.dataDir, SWITCHBOARD_ADMIN_KEY: ADMIN_KEY });
    const registered = await fetch(`${server.url}/integration/webhooks/register`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ endpoint_id: 'slow' }),
    });
    expect(registered.status).toBe(201);
    const secret = ((await registered.json()) as { secret: string }).secret;

    // A slow chunked upload: headers and the first chunk now, the rest after SIGTERM. Its client keeps
    // connections alive for a minute, longer than the server's shutdown timeout.
    const agent = new Agent({ keepAlive: true, timeout: 60_000 });
    agents.push(agent);
    const body = Buffer.from(JSON.stringify({ type: 'upload.slow', padding: 'x'.repeat(2000) }));
    const upload = httpRequest(`${server.url}/integration/webhooks/slow`, {
      agent,
      method: 'POST',
      headers: { ...signWebhook('standard-webhooks', body, secret, { nowMs: Date.now(), messageId: 'msg_in_flight' }), 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
    });
    const answered = new Promise<{ status: number; body: string; connection: string | undefined }>((resolve, reject) => {
      upload.on('error', reject);
      upload.on('response', (response: IncomingMessage) => {
        let text = '';
        response.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text, connection: response.headers.connection }));
      });
    });
    // Observed below; if the test fails first, the killed server's hang-up must not surface as unhandled.
    answered.catch(() => undefined);
    upload.write(body.subarray(0, 100));
    await server.waitForLine(/\/integration\/webhooks\/slow.*"msg":"incoming request"/);

    server.child.kill('SIGTERM');
    await server.waitForLine(/"signal":"SIGTERM"/);
    await waitUntilRefused(server.url);

    upload.end(body.subarray(100));
    const response = await answered;
    expect(response.status, response.body).toBe(202);
    // Answers during shutdown close their connection, so an idle keep-alive client cannot hold the exit up.
    expect(response.connection).toBe('close');
    const eventId = (JSON.parse(response.body) as { event_id: string }).event_id;
    expect(await server.exited).toBe(0);
    expect(server.stdout()).toMatch(/"msg":"stopped"/);
    expect(await acceptsConnections(server.url)).toBe(false);

    // The acknowledged event was committed before the process exited.
    const store = await openStore({ dataDir: database.dataDir });
    try {
      expect(await findEvent(store.db, eventId)).toMatchObject({ id: eventId, source: 'slow', type: 'upload.slow' });
    } finally {
      await store.close();
    }
  });

  it('exits 0 on SIGINT when idle', async () => {
    database = createTestDatabase('sqlite');
    const server = await startServe({ SWITCHBOARD_DATA_DIR: database.dataDir, SWITCHBOARD_ADMIN_KEY: ADMIN_KEY });
    // A kept-alive idle connection must not hold shutdown up.
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
    server.child.kill('SIGINT');
    expect(await server.exited).toBe(0);
  });
});
