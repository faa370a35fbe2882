import { mkdirSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, PostgresDialect, sql } from 'kysely';
import { ImmediateSqliteDialect } from './immediate-sqlite-dialect.js';
import pg from 'pg';
import { withCachedStatements } from './cached-statements.js';
import type { Database } from './database.js';
import type { Store } from './store.js';

export interface OpenStoreOptions {
  /** postgres://… selects PostgreSQL; otherwise SQLite in dataDir. */
  readonly databaseUrl?: string | undefined;
  readonly dataDir: string;
  readonly sqliteSynchronous?: 'FULL' | 'NORMAL' | 'OFF';
  readonly poolSize?: number;
  /** PostgreSQL schema (search_path); created when missing. Tests give each file its own. */
  readonly pgSchema?: string;
}

// int8 (bigint) columns hold epoch milliseconds, well inside Number's exact range.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

/** Opens SQLite (WAL) or PostgreSQL behind one Kysely interface. */
export async function openStore(options: OpenStoreOptions): Promise<Store> {
  if (options.databaseUrl !== undefined) return openPostgres(options.databaseUrl, options.poolSize ?? 10, options.pgSchema ?? 'public');
  return openSqlite(options.dataDir, options.sqliteSynchronous ?? 'FULL');
}

function openSqlite(dataDir: string, synchronous: 'FULL' | 'NORMAL' | 'OFF'): Store {
  const dir = resolve(dataDir);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'switchboard.db');
  const sqlite = new SqliteDatabase(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma(`synchronous = ${synchronous}`);
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('foreign_keys = ON');
  const db = new Kysely<Database>({ dialect: new ImmediateSqliteDialect({ database: withCachedStatements(sqlite) }) });
  return {
    db,
    dialect: 'sqlite',
    sqliteFile: { path: file, synchronous },
    async ping() {
      await sql`select 1`.execute(db);
    },
    async close() {
      await db.destroy();
    },
  };
}

/** Like libpq, a URL without a user name connects as the operating-system user. */
export function connectionConfig(url: string): pg.ClientConfig {
  const parsed = new URL(url);
  if (parsed.username === '') parsed.username = userInfo().username;
  return { connectionString: parsed.toString() };
}

async function openPostgres(url: string, poolSize: number, schema: string): Promise<Store> {
  if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`Invalid PostgreSQL schema name: ${schema}`);
  if (schema !== 'public') {
    const bootstrap = new pg.Client(connectionConfig(url));
    await bootstrap.connect();
    try {
      await bootstrap.query(`create schema if not exists ${schema}`);
    } catch (error) {
      // IF NOT EXISTS is not race-safe: when instances start together, the loser gets a unique
      // violation on pg_namespace, and the schema it wanted exists.
      if ((error as { code?: unknown }).code !== '23505') throw error;
    } finally {
      await bootstrap.end();
    }
  }
  const pool = new pg.Pool({ ...connectionConfig(url), max: poolSize, options: `-c search_path=${schema}` });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    dialect: 'postgres',
    async ping() {
      await sql`select 1`.execute(db);
    },
    async close() {
      await db.destroy();
    },
  };
}
