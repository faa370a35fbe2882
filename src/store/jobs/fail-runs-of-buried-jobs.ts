import { sql } from 'kysely';
import type { Db } from '../database.js';

/** The job error (jobs.last_error) of a job buried because its lease expired on its last attempt. */
export const LEASE_EXPIRED_JOB_ERROR = JSON.stringify({ code: 'lease_expired', message: 'The worker holding the job stopped renewing its lease on the last attempt' });

/** The run error of a run whose job was buried with lease_expired (see claimDueJobs). */
export const LEASE_EXPIRED_RUN_ERROR = JSON.stringify({
  code: 'lease_expired',
  message: 'The process executing the run stopped renewing its claim on the last attempt (it crashed or stalled); replay the dead letter to resume the run.',
});

/**
 * A run job buried just now (at `nowMs`) with lease_expired leaves its run failed, so the run shows
 * what the dead letter says and `POST /runs/{id}/retry` works. The queue knows run jobs by their
 * queue name and dedupe key (the run id); this is the one place the generic queue touches runs.
 */
export async function failRunsOfBuriedJobs(db: Db, nowMs: number): Promise<void> {
  await db
    .updateTable('runs')
    .set({ status: 'failed', error: LEASE_EXPIRED_RUN_ERROR, finished_at: nowMs, updated_at: nowMs })
    .where('status', 'in', ['pending', 'running'])
    .where(
      'id',
      'in',
      db
        .selectFrom('jobs')
        .select(sql<string>`dedupe_key`.as('run_id'))
        .where('queue', '=', 'runs')
        .where('status', '=', 'dead')
        .where('last_error_code', '=', 'lease_expired')
        .where('finished_at', '=', nowMs),
    )
    .execute();
}
