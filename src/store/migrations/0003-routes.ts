import type { Kysely, Migration } from 'kysely';

/** Routes declared in the config file (origin 'config', re-synced at each start) or through the API (origin 'api'). */
export const migration0003Routes: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('routes')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('definition', 'text', (c) => c.notNull())
      .addColumn('origin', 'text', (c) => c.notNull())
      .addColumn('enabled', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
  },
};
