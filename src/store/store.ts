import type BetterSqlite3 from 'better-sqlite3';
import type { Kysely } from 'kysely';
import type { Database, Dialect } from './database.js';

/** An open store: the query builder, which dialect it speaks, and how to close it. */
export interface Store {
  readonly db: Kysely<Database>;
  readonly dialect: Dialect;
  /**
   * The raw SQLite handle, for hot paths that run prepared statements synchronously. Use it only
   * while holding Kysely's connection (`db.connection().execute(...)`), so it never interleaves with
   * a Kysely transaction on the same connection.
   */
  readonly sqlite?: BetterSqlite3.Database;
  /** The SQLite database file and its `synchronous` setting, for threads that open their own connection. */
  readonly sqliteFile?: { readonly path: string; readonly synchronous: 'FULL' | 'NORMAL' | 'OFF' };
  /** Measures a trivial round trip, for health checks. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
