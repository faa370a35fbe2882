import { CompiledQuery, SqliteDialect, SqliteDriver, type DatabaseConnection, type Driver, type SqliteDialectConfig } from 'kysely';

/**
 * Kysely's SQLite driver opens transactions with a plain (deferred) `BEGIN`. In WAL mode a deferred
 * transaction that reads and then writes fails at once with SQLITE_BUSY(_SNAPSHOT) when another
 * connection — the ingest writer thread — committed in between: `busy_timeout` cannot help, since
 * waiting would not make the snapshot current. `BEGIN IMMEDIATE` takes the write lock up front, so
 * the transaction waits (up to `busy_timeout`) instead of failing, and its reads are current.
 */
class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

/** SQLite whose transactions are `BEGIN IMMEDIATE` (see ImmediateSqliteDriver). */
export class ImmediateSqliteDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig;

  constructor(config: SqliteDialectConfig) {
    super(config);
    this.#config = config;
  }

  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.#config);
  }
}
