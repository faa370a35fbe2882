import { randomBytes } from 'node:crypto';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.js';
import { startSwitchboard, type Switchboard } from '../../src/main.js';
import { dialects, createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { signWebhook } from './sign-webhook.js';

const ADMIN_KEY = 'config-endpoints-admin-key-0123456789';
const SECRET_KEY = randomBytes(32).toString('base64');

describe.each(dialects)('endpoints declared in the config file (%s)', (dialect) => {
  let database: TestDatabase | undefined;
  let sb: Switchboard | undefined;
  afterEach(async () => {
    await sb?.close();
    await database?.cleanup();
    sb = database = undefined;
  });

  const start = async (endpoints: unknown[], overrides: Record<string, unknown> = {}) => {
    await sb?.close();
    database ??= createTestDatabase(dialect);
    const config = loadConfig({
      env: {},
      overrides: {
        data_dir: database.dataDir,
        ...(database.databaseUrl === undefined ? {} : { database_url: database.databaseUrl }),
        'store.pg_schema': database.pgSchema,
        admin_key: ADMIN_KEY,
        secret_key: SECRET_KEY,
        log_level: 'silent',
        endpoints,
        ...overrides,
      },
    });
    sb = await startSwitchboard(config, { listen: false, logger: pino({ level: 'silent' }) });
    return sb;
  };
  const alert = Buffer.from(JSON.stringify({ alert_id: 'A-1', severity: 'high' }));
  const send = (server: Switchboard, secret: string, apiKey = 'chainsync-key-123') =>
    server.app.inject({
      method: 'POST',
      url: '/webhooks/chainsync/alert',
      headers: { 'content-type': 'application/json', 'x-api-key': apiKey, ...signWebhook('chainsync', alert, secret, { nowMs: Date.now() }) },
      payload: alert,
    });
  const chainsync = (secret: string) => ({
    endpoint_id: 'chainsync-alerts',
    path: '/webhooks/chainsync/alert',
    verification: { scheme: 'chainsync' },
    secret,
    api_key: 'chainsync-key-123',
    idempotency: { json_pointer: '/alert_id' },
  });

  it('creates them at start, and brings them in line with the file at the next start', async () => {
    let server = await start([chainsync('first-secret-value')]);
    expect((await send(server, 'first-secret-value')).statusCode).toBe(202);
    expect((await send(server, 'first-secret-value', 'wrong-key-123')).statusCode).toBe(401);
    const listed = await server.app.inject({ method: 'GET', url: '/integration/webhooks/chainsync-alerts', headers: { authorization: `Bearer ${ADMIN_KEY}` } });
    expect(listed.json()).toMatchObject({ endpoint_id: 'chainsync-alerts', path: '/webhooks/chainsync/alert', api_key_configured: true, verification: { scheme: 'chainsync' } });

    server = await start([chainsync('second-secret-value')]);
    expect((await send(server, 'first-secret-value')).statusCode).toBe(401);
    const accepted = await send(server, 'second-secret-value');
    // The same alert id as before: a duplicate of the first event.
    expect(accepted.statusCode).toBe(200);
    expect(accepted.json()).toMatchObject({ status: 'duplicate' });
  });

  it('stops start-up naming a bad declaration', async () => {
    await expect(start([{ endpoint_id: 'x', verification: { scheme: 'nope' }, secret: 'abcdefgh' }])).rejects.toThrow(/endpoints\[0\] \(x\): Unknown verification scheme "nope"/);
    await expect(start([{ endpoint_id: 'y', verification: { scheme: 'chainsync' } }])).rejects.toThrow(/endpoints\[0\] \(y\): secret is required/);
    await expect(start([{ endpoint_id: 'z', secret: 'abcdefgh', colour: 'red' }])).rejects.toThrow(/endpoints\[0\]\.colour: unknown key/);
    await expect(start([chainsync('a-secret-value'), { ...chainsync('a-secret-value'), endpoint_id: 'other' }])).rejects.toThrow(
      /endpoints\[1\] \(other\): path "\/webhooks\/chainsync\/alert" is also declared by endpoint "chainsync-alerts"/,
    );
  });

  it('refuses a config endpoint on a built-in flow\'s path by name, and stores nothing', async () => {
    await expect(start([{ ...chainsync('a-secret-value'), endpoint_id: 'mine' }], { 'flows.chainsync': { enabled: true, webhook_secret: 'flow-secret-value' } })).rejects.toThrow(
      /path "\/webhooks\/chainsync\/alert" is also declared by endpoint "mine"/,
    );
    sb = await start([]);
    const listed = await sb.app.inject({ method: 'GET', url: '/integration/webhooks', headers: { authorization: `Bearer ${ADMIN_KEY}` } });
    expect(listed.json()).toEqual({ endpoints: [] });
  });
});
