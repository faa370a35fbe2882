import { sql, type Kysely, type Migration } from 'kysely';

/** The durable job queue: one table in the same database as the events, so enqueueing joins the caller's commit. */
export const migration0002Jobs: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('jobs')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('queue', 'text', (c) => c.notNull())
      .addColumn('payload', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('max_attempts', 'integer', (c) => c.notNull())
      .addColumn('run_at', 'bigint', (c) => c.notNull())
      .addColumn('locked_by', 'text')
      .addColumn('locked_until', 'bigint')
      .addColumn('last_error', 'text')
      .addColumn('last_error_code', 'text')
      .addColumn('dedupe_key', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addColumn('finished_at', 'bigint')
      .execute();
    // Claiming scans pending jobs by due time, and running jobs (status prefix) for expired leases.
    await db.schema.createIndex('jobs_status_run_at').on('jobs').columns(['status', 'run_at']).execute();
    await db.schema
      .createIndex('jobs_queue_dedupe_key')
      .on('jobs')
      .columns(['queue', 'dedupe_key'])
      .unique()
      .where(sql<boolean>`dedupe_key is not null`)
      .execute();
    await db.schema.createIndex('jobs_dead_letters').on('jobs').column('id').where(sql<boolean>`status = 'dead'`).execute();
  },
};
