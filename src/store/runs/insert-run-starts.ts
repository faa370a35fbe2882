import type { Db } from '../database.js';
import type { RunStartRows } from './run-start-rows.js';

/**
 * Inserts runs and their jobs in the caller's transaction; a run that already exists for its
 * (event, route) is skipped with its job. Returns the ids of the runs created. The ingest paths
 * (SQLite writer thread, PostgreSQL statement) write the same rows their own way.
 */
export async function insertRunStarts(db: Db, starts: readonly RunStartRows[]): Promise<string[]> {
  if (starts.length === 0) return [];
  const created = await db
    .insertInto('runs')
    .values(starts.map((start) => start.run))
    .onConflict((oc) => oc.columns(['event_id', 'route_id']).doNothing())
    .returning('id')
    .execute();
  const ids = new Set(created.map((row) => row.id));
  const jobs = starts.filter((start) => ids.has(start.run.id)).map((start) => start.job);
  if (jobs.length > 0) {
    await db
      .insertInto('jobs')
      .values(jobs)
      .onConflict((oc) => oc.columns(['queue', 'dedupe_key']).where('dedupe_key', 'is not', null).doNothing())
      .execute();
  }
  return starts.filter((start) => ids.has(start.run.id)).map((start) => start.run.id);
}
