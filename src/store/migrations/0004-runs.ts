import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Runs of routes over events, one row per step attempt state, and the notification outbox. A run's
 * `plan` is the route's steps copied when the run starts, so editing the route never reorders it.
 */
export const migration0004Runs: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('runs')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('event_id', 'text', (c) => c.notNull())
      .addColumn('route_id', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('plan', 'text', (c) => c.notNull())
      .addColumn('error', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addColumn('finished_at', 'bigint')
      .execute();
    // One run per (event, route): starting runs for an event twice creates nothing the second time.
    // It also serves listing by event_id; the other listing indexes end in id (newest first).
    await db.schema.createIndex('runs_event_route').on('runs').columns(['event_id', 'route_id']).unique().execute();
    await db.schema.createIndex('runs_route_id').on('runs').columns(['route_id', 'id']).execute();
    await db.schema.createIndex('runs_status').on('runs').columns(['status', 'id']).execute();

    await db.schema
      .createTable('run_steps')
      .addColumn('run_id', 'text', (c) => c.notNull().references('runs.id').onDelete('cascade'))
      .addColumn('step_name', 'text', (c) => c.notNull())
      .addColumn('position', 'integer', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('input', 'text')
      .addColumn('output', 'text')
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('error', 'text')
      .addColumn('started_at', 'bigint')
      .addColumn('finished_at', 'bigint')
      .addPrimaryKeyConstraint('run_steps_pk', ['run_id', 'step_name'])
      .execute();

    await db.schema
      .createTable('notify_outbox')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('run_id', 'text', (c) => c.notNull())
      .addColumn('step_name', 'text', (c) => c.notNull())
      .addColumn('request', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addUniqueConstraint('notify_outbox_run_step', ['run_id', 'step_name'])
      .execute();
    // The dispatcher scans pending requests oldest first.
    await db.schema.createIndex('notify_outbox_pending').on('notify_outbox').column('id').where(sql<boolean>`status = 'pending'`).execute();
  },
};
