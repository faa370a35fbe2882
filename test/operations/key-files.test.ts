import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/config-error.js';
import { loadConfig } from '../../src/config/load-config.js';
import { resolveKeys } from '../../src/config/resolve-keys.js';
import { killCliProcesses, startServe } from '../cli/cli-process.js';
import { signWebhook } from '../management/sign-webhook.js';

describe('admin and encryption keys', () => {
  const dirs: string[] = [];
  const freshDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'switchboard-keys-'));
    dirs.push(dir);
    return dir;
  };
  afterEach(async () => {
    await killCliProcesses();
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('generates admin.key and secret.key (mode 0600) on first use, then reuses them', () => {
    const dataDir = join(freshDir(), 'nested', 'data');
    const config = loadConfig({ env: { SWITCHBOARD_DATA_DIR: dataDir } });
    const first = resolveKeys(config);
    expect(first.generatedFiles).toEqual([join(dataDir, 'admin.key'), join(dataDir, 'secret.key')]);
    for (const name of ['admin.key', 'secret.key']) expect(statSync(join(dataDir, name)).mode & 0o777).toBe(0o600);
    expect(first.secretKey).toHaveLength(32);
    expect(first.adminKey.length).toBeGreaterThanOrEqual(32);
    expect(readFileSync(join(dataDir, 'admin.key'), 'utf8').trim()).toBe(first.adminKey);

    const second = resolveKeys(config);
    expect(second.generatedFiles).toEqual([]);
    expect(second.adminKey).toBe(first.adminKey);
    expect(second.secretKey.equals(first.secretKey)).toBe(true);
  });

  it('takes keys from the environment without writing files, and refuses a secret key that is not 32 bytes of base64', () => {
    const dataDir = freshDir();
    const secretKey = Buffer.alloc(32, 7).toString('base64');
    const keys = resolveKeys(loadConfig({ env: { SWITCHBOARD_DATA_DIR: dataDir, SWITCHBOARD_ADMIN_KEY: 'env-admin-key-0123456789', SWITCHBOARD_SECRET_KEY: secretKey } }));
    expect(keys).toMatchObject({ adminKey: 'env-admin-key-0123456789', generatedFiles: [] });
    expect(keys.secretKey.toString('base64')).toBe(secretKey);
    for (const bad of [Buffer.alloc(16).toString('base64'), 'not base64 at all!!', Buffer.alloc(32).toString('hex')]) {
      const config = loadConfig({ env: { SWITCHBOARD_DATA_DIR: dataDir, SWITCHBOARD_SECRET_KEY: bad } });
      expect(() => resolveKeys(config)).toThrow(ConfigError);
      expect(() => resolveKeys(config)).toThrow(/secret_key \(SWITCHBOARD_SECRET_KEY\)/);
    }
  });

  it('a served process says where the generated keys are, reuses them on restart, and never logs a key, secret or signature', async () => {
    const dataDir = freshDir();
    const first = await startServe({ SWITCHBOARD_DATA_DIR: dataDir });
    const adminKey = readFileSync(join(dataDir, 'admin.key'), 'utf8').trim();
    const secretKey = readFileSync(join(dataDir, 'secret.key'), 'utf8').trim();
    for (const name of ['admin.key', 'secret.key']) expect(statSync(join(dataDir, name)).mode & 0o777).toBe(0o600);
    expect(first.stdout()).toContain(join(dataDir, 'admin.key'));
    expect(first.stdout()).toContain(join(dataDir, 'secret.key'));

    // Exercise the paths that handle secrets, so the logs have every chance to leak one.
    const auth = { authorization: `Bearer ${adminKey}` };
    const registered = await fetch(`${first.url}/integration/webhooks/register`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ endpoint_id: 'keys', api_key: 'logged-api-key-0123456789' }),
    });
    expect(registered.status).toBe(201);
    const endpointSecret = ((await registered.json()) as { secret: string }).secret;
    const body = Buffer.from('{"type":"keys.test"}');
    const headers = signWebhook('standard-webhooks', body, endpointSecret, { nowMs: Date.now() });
    const accepted = await fetch(`${first.url}/integration/webhooks/keys`, {
      method: 'POST',
      headers: { ...headers, 'x-api-key': 'logged-api-key-0123456789', 'content-type': 'application/json' },
      body,
    });
    expect(accepted.status).toBe(202);
    expect((await fetch(`${first.url}/api/v1/events`, { headers: { authorization: 'Bearer wrong-key-0123456789abc' } })).status).toBe(401);
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);

    const second = await startServe({ SWITCHBOARD_DATA_DIR: dataDir, LOG_LEVEL: 'trace' });
    expect(second.stdout()).not.toMatch(/generated a key/);
    expect(readFileSync(join(dataDir, 'admin.key'), 'utf8').trim()).toBe(adminKey);
    // The endpoint secret encrypted by the first process still decrypts: the same secret.key was used.
    const again = await fetch(`${second.url}/integration/webhooks/keys`, {
      method: 'POST',
      headers: { ...signWebhook('standard-webhooks', body, endpointSecret, { nowMs: Date.now() }), 'x-api-key': 'logged-api-key-0123456789', 'content-type': 'application/json' },
      body,
    });
    expect(again.status).toBe(202);
    expect((await fetch(`${second.url}/integration/webhooks`, { headers: auth })).status).toBe(200);
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);

    const logs = first.stdout() + first.stderr() + second.stdout() + second.stderr();
    expect(logs.length).toBeGreaterThan(0);
    const signature = headers['webhook-signature'] as string;
    for (const secret of [adminKey, secretKey, endpointSecret, endpointSecret.slice('whsec_'.length), 'logged-api-key-0123456789', signature.slice(3)]) {
      expect(logs).not.toContain(secret);
    }
  });
});
