import { randomBytes } from 'node:crypto';
import { pino } from 'pino';
import { loadConfig } from '../../src/config/load-config.js';
import type { Clock } from '../../src/core/clock.js';
import type { Dialect } from '../../src/store/database.js';
import { startSwitchboard, type Switchboard } from '../../src/main.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';

export const TEST_ADMIN_KEY = 'test-admin-key-0123456789abcdef';

export interface TestSwitchboard extends Switchboard {
  readonly database: TestDatabase;
  /** `Authorization` header for the management API. */
  readonly auth: { authorization: string };
  /** Closes the server and drops its database. */
  stop(): Promise<void>;
}

/**
 * A whole Switchboard on a fresh SQLite directory or PostgreSQL schema. With `listen: true` it binds
 * 127.0.0.1 on a free port (real sockets); otherwise tests use `app.inject()`.
 */
export async function startTestSwitchboard(options: {
  readonly dialect?: Dialect;
  readonly listen?: boolean;
  readonly clock?: Clock;
  readonly config?: Readonly<Record<string, unknown>>;
} = {}): Promise<TestSwitchboard> {
  const database = createTestDatabase(options.dialect ?? 'sqlite');
  const config = loadConfig({
    env: {},
    overrides: {
      data_dir: database.dataDir,
      ...(database.databaseUrl === undefined ? {} : { database_url: database.databaseUrl }),
      'store.pg_schema': database.pgSchema,
      'store.sqlite_synchronous': 'NORMAL',
      'server.port': 0,
      admin_key: TEST_ADMIN_KEY,
      secret_key: randomBytes(32).toString('base64'),
      log_level: 'silent',
      ...options.config,
    },
  });
  let switchboard: Switchboard;
  try {
    switchboard = await startSwitchboard(config, {
      listen: options.listen ?? false,
      logger: pino({ level: 'silent' }),
      ...(options.clock === undefined ? {} : { clock: options.clock }),
    });
  } catch (error) {
    await database.cleanup();
    throw error;
  }
  return Object.assign(Object.create(null) as object, switchboard, {
    database,
    auth: { authorization: `Bearer ${TEST_ADMIN_KEY}` },
    close: () => switchboard.close(),
    async stop() {
      await switchboard.close();
      await database.cleanup();
    },
  }) as TestSwitchboard;
}
