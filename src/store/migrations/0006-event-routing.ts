import type { Kysely, Migration } from 'kysely';

/**
 * Whether an event started any run: 1 when at least one route matched it at commit, 0 when it is
 * kept unrouted. Written in the same statement as the event and its runs.
 */
export const migration0006EventRouting: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .alterTable('events')
      .addColumn('routed', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
  },
};
