import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/config-error.js';
import { loadConfig } from '../../src/config/load-config.js';
import { startSwitchboard } from '../../src/main.js';

describe('a data dir opened with another secret key', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  const start = (dataDir: string, secretKey: string) =>
    startSwitchboard(
      loadConfig({ env: {}, overrides: { data_dir: dataDir, admin_key: 'admin-key-0123456789abcdef', secret_key: secretKey, log_level: 'silent' } }),
      { listen: false, logger: pino({ level: 'silent' }) },
    );

  it('stops start-up with a message naming SWITCHBOARD_SECRET_KEY, not a stack trace from the cipher', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-keys-'));
    dirs.push(dataDir);
    const first = await start(dataDir, randomBytes(32).toString('base64'));
    const registered = await first.app.inject({
      method: 'POST',
      url: '/integration/webhooks/register',
      headers: { authorization: 'Bearer admin-key-0123456789abcdef' },
      payload: { endpoint_id: 'orders' },
    });
    expect(registered.statusCode).toBe(201);
    await first.close();

    const failure = await start(dataDir, randomBytes(32).toString('base64')).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(ConfigError);
    expect((failure as Error).message).toMatch(/SWITCHBOARD_SECRET_KEY.*not the key that encrypted it/);
  });
});
