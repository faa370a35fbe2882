import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { Dialect } from '../../src/store/database.js';
import { migrateToLatest } from '../../src/store/migrate-to-latest.js';
import { connectionConfig, openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';

/** Every store test runs on each of these (Kysely-style: one suite, every dialect). */
export const dialects: readonly Dialect[] = ['sqlite', 'postgres'];

/** PostgreSQL for tests: this machine's local server (see DEVELOPERS.md); override with TEST_DATABASE_URL. */
export const testDatabaseUrl = process.env['TEST_DATABASE_URL'] ?? 'postgres://127.0.0.1:5432/test';

/** Where one test's data lives: a fresh SQLite directory, or a fresh PostgreSQL schema. */
export interface TestDatabase {
  readonly dialect: Dialect;
  readonly dataDir: string;
  readonly databaseUrl: string | undefined;
  readonly pgSchema: string;
  /** Removes the directory and drops the schema. */
  cleanup(): Promise<void>;
}

export function createTestDatabase(dialect: Dialect): TestDatabase {
  const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-test-'));
  const pgSchema = dialect === 'postgres' ? `t_${randomBytes(6).toString('hex')}` : 'public';
  return {
    dialect,
    dataDir,
    databaseUrl: dialect === 'postgres' ? testDatabaseUrl : undefined,
    pgSchema,
    async cleanup() {
      rmSync(dataDir, { recursive: true, force: true });
      if (dialect !== 'postgres') return;
      const client = new pg.Client(connectionConfig(testDatabaseUrl));
      await client.connect();
      try {
        await client.query(`drop schema if exists ${pgSchema} cascade`);
      } finally {
        await client.end();
      }
    },
  };
}

/** Opens and migrates a store in a fresh test database; `close` also cleans up. */
export async function openTestStore(dialect: Dialect): Promise<{ store: Store; database: TestDatabase; close(): Promise<void> }> {
  const database = createTestDatabase(dialect);
  const store = await openStore({ databaseUrl: database.databaseUrl, dataDir: database.dataDir, pgSchema: database.pgSchema, sqliteSynchronous: 'NORMAL' });
  try {
    await migrateToLatest(store);
  } catch (error) {
    await store.close();
    await database.cleanup();
    throw error;
  }
  return {
    store,
    database,
    async close() {
      await store.close();
      await database.cleanup();
    },
  };
}
