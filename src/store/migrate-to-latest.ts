import { Migrator, sql, type MigrationResult } from 'kysely';
import type { Store } from './store.js';
import { migrationList } from './migrations/migration-list.js';

/** Runs every pending migration in order (Kysely's migrator holds a lock, so concurrent starts are safe). */
export async function migrateToLatest(store: Store): Promise<readonly MigrationResult[]> {
  const migrator = new Migrator({
    db: store.db,
    provider: { getMigrations: async () => migrationList },
    // Without a schema, Kysely checks for its migration tables in EVERY schema, so another schema on
    // the same server that holds them makes it skip creating ours and then fail to find them.
    ...(store.dialect === 'postgres' ? { migrationTableSchema: await currentSchema(store) } : {}),
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error !== undefined) throw new Error('Migration failed', { cause: error });
  return results ?? [];
}

async function currentSchema(store: Store): Promise<string> {
  const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(store.db);
  const schema = rows[0]?.schema;
  if (typeof schema !== 'string') throw new Error('PostgreSQL has no current schema (check search_path)');
  return schema;
}
