import type { Kysely } from 'kysely';
import type { Database, Dialect } from './database.js';

/** An open store: the query builder, which dialect it speaks, and how to close it. */
export interface Store {
  readonly db: Kysely<Database>;
  readonly dialect: Dialect;
  /** Measures a trivial round trip, for health checks. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
