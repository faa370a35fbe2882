import { existsSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { connectionConfig } from '../../src/store/open-store.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { killCliProcesses, runCli } from './cli-process.js';

const TABLES = ['events', 'notify_outbox', 'routes', 'run_steps', 'runs', 'webhook_endpoint_secrets', 'webhook_endpoint_stats', 'webhook_endpoints', 'webhook_request_logs'];

describe('switchboard migrate', () => {
  const databases: TestDatabase[] = [];
  afterEach(async () => {
    await killCliProcesses();
    for (const database of databases.splice(0)) await database.cleanup();
  });

  it('creates the SQLite database in a fresh data dir, and a second run applies nothing', async () => {
    const database = createTestDatabase('sqlite');
    databases.push(database);
    const dataDir = join(database.dataDir, 'fresh', 'data');
    const first = await runCli(['migrate'], { SWITCHBOARD_DATA_DIR: dataDir });
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/"migration":"0001-foundation","status":"Success"/);
    expect(existsSync(join(dataDir, 'switchboard.db'))).toBe(true);
    // migrate needs no keys: none are generated until the server starts.
    expect(existsSync(join(dataDir, 'admin.key'))).toBe(false);

    const sqlite = new BetterSqlite3(join(dataDir, 'switchboard.db'), { readonly: true });
    try {
      const tables = sqlite.prepare("select name from sqlite_master where type = 'table' order by name").all() as Array<{ name: string }>;
      expect(tables.map((t) => t.name)).toEqual(expect.arrayContaining([...TABLES, 'kysely_migration']));
      expect(sqlite.pragma('journal_mode', { simple: true })).toBe('wal');
    } finally {
      sqlite.close();
    }

    const second = await runCli(['migrate'], { SWITCHBOARD_DATA_DIR: dataDir, LOG_LEVEL: 'info' });
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toMatch(/"applied":0/);
  });

  it('migrates PostgreSQL when DATABASE_URL is set', async () => {
    const database = createTestDatabase('postgres');
    databases.push(database);
    const result = await runCli(['migrate'], { DATABASE_URL: database.databaseUrl as string, SWITCHBOARD_PG_SCHEMA: database.pgSchema, SWITCHBOARD_DATA_DIR: database.dataDir });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/"store":"postgres"/);
    expect(existsSync(join(database.dataDir, 'switchboard.db'))).toBe(false);
    const client = new pg.Client(connectionConfig(database.databaseUrl as string));
    await client.connect();
    try {
      const { rows } = await client.query<{ table_name: string }>('select table_name from information_schema.tables where table_schema = $1', [database.pgSchema]);
      expect(rows.map((r) => r.table_name)).toEqual(expect.arrayContaining(TABLES));
    } finally {
      await client.end();
    }
  });
});
