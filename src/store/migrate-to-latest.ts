import { Migrator, type MigrationResult } from 'kysely';
import type { Store } from './store.js';
import { migrationList } from './migrations/migration-list.js';

/** Runs every pending migration in order (Kysely's migrator holds a lock, so concurrent starts are safe). */
export async function migrateToLatest(store: Store): Promise<readonly MigrationResult[]> {
  const migrator = new Migrator({
    db: store.db,
    provider: { getMigrations: async () => migrationList },
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error !== undefined) throw new Error('Migration failed', { cause: error });
  return results ?? [];
}
