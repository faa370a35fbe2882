import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/config-error.js';
import { loadConfig } from '../../src/config/load-config.js';
import { killCliProcesses, runCli } from '../cli/cli-process.js';

describe('configuration', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'switchboard-config-'));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  const file = (name: string, text: string): string => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  const configError = (load: () => unknown): ConfigError => {
    try {
      load();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      return error as ConfigError;
    }
    throw new Error('expected a ConfigError');
  };

  it('has working defaults with no file and an empty environment', () => {
    const config = loadConfig({ env: {} });
    expect(config.server).toMatchObject({ host: '127.0.0.1', port: 8080, trust_proxy: false });
    expect(config).toMatchObject({ data_dir: './data', log_level: 'info' });
    expect(config.database_url).toBeUndefined();
    expect(config.webhooks).toMatchObject({ default_max_payload_bytes: 10 * 1024 * 1024, default_tolerance_seconds: 300, rotation_grace_seconds: 86_400 });
    expect(config.store.sqlite_synchronous).toBe('FULL');
  });

  it('reads a YAML file', () => {
    const path = file(
      'switchboard.yaml',
      ['server:', '  port: 9001', '  host: 0.0.0.0', 'log_level: warn', 'data_dir: /var/lib/switchboard', 'webhooks:', '  default_tolerance_seconds: 120', '  default_rate_limit: { requests: 10, per_seconds: 1 }', ''].join('\n'),
    );
    const config = loadConfig({ file: path, env: {} });
    expect(config.server).toMatchObject({ port: 9001, host: '0.0.0.0' });
    expect(config).toMatchObject({ log_level: 'warn', data_dir: '/var/lib/switchboard' });
    expect(config.webhooks).toMatchObject({ default_tolerance_seconds: 120, default_rate_limit: { requests: 10, per_seconds: 1 }, rotation_grace_seconds: 86_400 });
  });

  it('reads a JSON file', () => {
    const path = file('switchboard.json', JSON.stringify({ server: { port: 9002 }, database_url: 'postgres://db.example/switchboard', store: { pool_size: 4 } }));
    const config = loadConfig({ file: path, env: {} });
    expect(config.server.port).toBe(9002);
    expect(config.database_url).toBe('postgres://db.example/switchboard');
    expect(config.store).toMatchObject({ pool_size: 4, pg_schema: 'public' });
  });

  it('puts environment variables into the file\'s strings with ${NAME}, and names the key of an unset one', () => {
    const path = file('interpolated.yaml', ['actions:', '  slotify:', '    base_url: ${SLOTIFY_URL}/v1', '    api_key: "${SLOTIFY_KEY}"', 'endpoints:', '  - endpoint_id: literal', '    url: "cost: $${DOLLARS}"', ''].join('\n'));
    const config = loadConfig({ file: path, env: { SLOTIFY_URL: 'https://slotify.example', SLOTIFY_KEY: 'sk-123' } });
    expect(config.actions.slotify).toMatchObject({ base_url: 'https://slotify.example/v1', api_key: 'sk-123' });
    expect(config.endpoints).toEqual([{ endpoint_id: 'literal', url: 'cost: ${DOLLARS}' }]);
    expect(configError(() => loadConfig({ file: path, env: { SLOTIFY_URL: 'https://slotify.example' } })).message).toContain('actions.slotify.api_key: environment variable SLOTIFY_KEY is not set');
  });

  it('lets the environment override the file', () => {
    const path = file('override.yaml', 'server:\n  port: 9003\n  host: 10.0.0.1\nlog_level: debug\n');
    const config = loadConfig({ file: path, env: { PORT: '9100', LOG_LEVEL: 'error', SWITCHBOARD_DATA_DIR: '/srv/data', SWITCHBOARD_TRUST_PROXY: '10.0.0.0/8, 192.168.0.0/16' } });
    expect(config.server).toMatchObject({ port: 9100, host: '10.0.0.1', trust_proxy: ['10.0.0.0/8', '192.168.0.0/16'] });
    expect(config).toMatchObject({ log_level: 'error', data_dir: '/srv/data' });
  });

  it('finds the file through SWITCHBOARD_CONFIG, and an explicit file wins over it', () => {
    const fromEnv = file('from-env.yaml', 'server:\n  port: 9004\n');
    const explicit = file('explicit.yaml', 'server:\n  port: 9005\n');
    expect(loadConfig({ env: { SWITCHBOARD_CONFIG: fromEnv } }).server.port).toBe(9004);
    expect(loadConfig({ file: explicit, env: { SWITCHBOARD_CONFIG: fromEnv } }).server.port).toBe(9005);
  });

  it('returns a frozen config', () => {
    const config = loadConfig({ env: {} });
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.server)).toBe(true);
  });

  it.each([
    ['PORT=abc', () => loadConfig({ env: { PORT: 'abc' } }), /PORT/],
    ['PORT out of range', () => loadConfig({ env: { PORT: '70000' } }), /server\.port/],
    ['a bad LOG_LEVEL', () => loadConfig({ env: { LOG_LEVEL: 'loud' } }), /log_level/],
    ['a bad log_level in a file', () => loadConfig({ file: file('bad-level.yaml', 'log_level: chatty\n'), env: {} }), /log_level/],
    ['an unknown top-level key in a file', () => loadConfig({ file: file('unknown.yaml', 'prot: 8080\n'), env: {} }), /prot.*unknown key/],
    ['an unknown nested key in a file', () => loadConfig({ file: file('nested.yaml', 'server:\n  prot: 8080\n'), env: {} }), /server\.prot.*unknown key/],
    ['a non-postgres DATABASE_URL', () => loadConfig({ env: { DATABASE_URL: 'mysql://db/x' } }), /database_url/],
    ['a non-redis REDIS_URL', () => loadConfig({ env: { REDIS_URL: 'http://cache' } }), /redis_url/],
    ['a short admin key', () => loadConfig({ env: { SWITCHBOARD_ADMIN_KEY: 'short' } }), /admin_key/],
    ['a bad pg schema', () => loadConfig({ env: { SWITCHBOARD_PG_SCHEMA: 'Robert"); drop' } }), /store\.pg_schema/],
    ['a string where a number belongs', () => loadConfig({ file: file('string-port.json', '{"server":{"port":"eighty"}}'), env: {} }), /server\.port/],
    ['a missing file', () => loadConfig({ file: join(dir, 'nope.yaml'), env: {} }), /nope\.yaml/],
    ['malformed YAML', () => loadConfig({ file: file('broken.yaml', 'server: [port: 1\n'), env: {} }), /broken\.yaml.*YAML/],
    ['malformed JSON', () => loadConfig({ file: file('broken.json', '{"server": '), env: {} }), /broken\.json.*JSON/],
    ['a list at the top of the file', () => loadConfig({ file: file('list.yaml', '- a\n- b\n'), env: {} }), /mapping/],
  ])('stops with a ConfigError naming the key for %s', (_name, load, message) => {
    expect(configError(load).message).toMatch(message);
  });
});

describe('configuration through the CLI', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'switchboard-config-cli-'));
  });
  afterEach(async () => {
    await killCliProcesses();
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads --config, and stops start-up with the key named on a bad value', async () => {
    const dataDir = join(dir, 'from-flag');
    const good = join(dir, 'good.yaml');
    writeFileSync(good, `data_dir: ${dataDir}\nlog_level: warn\n`);
    const migrated = await runCli(['--config', good, 'migrate']);
    expect(migrated.code, migrated.stderr).toBe(0);
    expect(existsSync(join(dataDir, 'switchboard.db'))).toBe(true);

    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, `data_dir: ${dataDir}\nserver:\n  port: 8080\n  colour: blue\n`);
    const refused = await runCli(['serve', '--config', bad]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/server\.colour.*unknown key/);
    expect(refused.stdout).not.toMatch(/listening/);
  });
});
