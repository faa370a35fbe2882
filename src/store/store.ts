import type { Kysely } from 'kysely';
import type { Database, Dialect } from './database.js';

/** An open store: the query builder, which dialect it speaks, and how to close it. */
export interface Store {
  readonly db: Kysely<Database>;
  readonly dialect: Dialect;
  /** The SQLite database file and its `synchronous` setting, for threads that open their own connection. */
  readonly sqliteFile?: { readonly path: string; readonly synchronous: 'FULL' | 'NORMAL' | 'OFF' };
  /** Measures a trivial round trip, for health checks. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
