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
  for (let attempt = 1; ; attempt += 1) {
    const { error, results } = await migrator.migrateToLatest();
    if (error === undefined) return results ?? [];
    if (attempt < 5 && isOtherSchemaDropped(error)) {
      await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
      continue;
    }
    throw new Error('Migration failed', { cause: error });
  }
}

/**
 * Kysely's migrator looks for its tables through PostgreSQL's introspection of every schema; when
 * another schema is dropped during that query, PostgreSQL fails it with 3F000 ("schema … does not
 * exist") though nothing of ours changed. That check runs before any migration, so it is retried.
 */
function isOtherSchemaDropped(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '3F000';
}

async function currentSchema(store: Store): Promise<string> {
  const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(store.db);
  const schema = rows[0]?.schema;
  if (typeof schema !== 'string') throw new Error('PostgreSQL has no current schema (check search_path)');
  return schema;
}
