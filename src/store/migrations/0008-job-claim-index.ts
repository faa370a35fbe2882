import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Claims read one queue's due jobs in (run_at, id) order straight from this index, so a claim costs
 * the jobs it takes, not the size of the backlog (with jobs_status_run_at and an OR of pending and
 * expired-lease conditions, every claim sorted all due jobs of every queue: 16 ms per claim on
 * SQLite with 40,000 deliveries waiting, and the runs worker paid it too). The old index served
 * only the claim and is dropped, so job writes maintain one index fewer.
 */
export const migration0008JobClaimIndex: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.createIndex('jobs_queue_status_run_at').on('jobs').columns(['queue', 'status', 'run_at', 'id']).execute();
    await sql`drop index if exists jobs_status_run_at`.execute(db);
  },
};
