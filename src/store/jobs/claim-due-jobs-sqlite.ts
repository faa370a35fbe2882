import type BetterSqlite3 from 'better-sqlite3';
import type { Selectable } from 'kysely';
import type { JobsTable } from '../database.js';
import { LEASE_EXPIRED_JOB_ERROR, LEASE_EXPIRED_RUN_ERROR } from './fail-runs-of-buried-jobs.js';

/** What a claim asks for (see claimDueJobs). */
export interface ClaimRequest {
  readonly workerId: string;
  readonly queues: readonly string[];
  readonly limit: number;
  readonly leaseMs: number;
  readonly nowMs: number;
  /** Also bury running jobs whose lease expired on their last attempt (default true). */
  readonly sweepExpired?: boolean;
}

interface Statements {
  readonly claim: (request: ClaimRequest) => Selectable<JobsTable>[];
}

const prepared = new WeakMap<BetterSqlite3.Database, Statements>();

function prepare(sqlite: BetterSqlite3.Database): Statements {
  const inQueues = 'queue in (select value from json_each(@queues))';
  const bury = sqlite.prepare(
    `update jobs set status = 'dead', locked_by = null, locked_until = null, last_error = @lease_expired, last_error_code = 'lease_expired', finished_at = @now, updated_at = @now
     where status = 'running' and locked_until < @now and attempts >= max_attempts and ${inQueues}`,
  );
  // See fail-runs-of-buried-jobs.ts: a run job buried now leaves its run failed.
  const failRuns = sqlite.prepare(
    `update runs set status = 'failed', error = @error, finished_at = @now, updated_at = @now
     where status in ('pending', 'running') and id in (
       select dedupe_key from jobs where queue = 'runs' and status = 'dead' and last_error_code = 'lease_expired' and finished_at = @now
     )`,
  );
  // One queue at a time, each condition on its own, so both read jobs_queue_status_run_at in order
  // and stop at the limit instead of sorting every due job (see migration 0008).
  const claim = sqlite.prepare(
    `update jobs set status = 'running', attempts = attempts + 1, locked_by = @worker, locked_until = @until, updated_at = @now
     where id in (
       select id from (
         select id, run_at from (
           select id, run_at from jobs where queue = @queue and status = 'pending' and run_at <= @now order by run_at, id limit @limit
         )
         union all
         select id, run_at from (
           select id, run_at from jobs where queue = @queue and status = 'running' and locked_until < @now order by run_at, id limit @limit
         )
       )
       order by run_at, id limit @limit
     )
     returning *`,
  );
  const statements = {
    claim: sqlite.transaction((request: ClaimRequest): Selectable<JobsTable>[] => {
      const params = { queues: JSON.stringify(request.queues), now: request.nowMs };
      if (request.sweepExpired !== false && bury.run({ ...params, lease_expired: LEASE_EXPIRED_JOB_ERROR }).changes > 0) failRuns.run({ now: request.nowMs, error: LEASE_EXPIRED_RUN_ERROR });
      // Queues in the order given: a worker of several queues fills its slots from the first one first.
      const rows: Selectable<JobsTable>[] = [];
      for (const queue of request.queues) {
        const limit = request.limit - rows.length;
        if (limit <= 0) break;
        rows.push(...(claim.all({ queue, now: request.nowMs, worker: request.workerId, until: request.nowMs + request.leaseMs, limit }) as Selectable<JobsTable>[]));
      }
      return rows.sort((a, b) => a.run_at - b.run_at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    }),
  };
  prepared.set(sqlite, statements);
  return statements;
}

/**
 * claimDueJobs for SQLite as two prepared statements in one transaction, for the writer thread: the
 * claim is a write, and taking SQLite's write lock on the main thread would block its event loop
 * while the writer thread commits.
 */
export function claimDueJobsSqliteSync(sqlite: BetterSqlite3.Database, request: ClaimRequest): Selectable<JobsTable>[] {
  if (request.limit <= 0 || request.queues.length === 0) return [];
  return (prepared.get(sqlite) ?? prepare(sqlite)).claim(request);
}
