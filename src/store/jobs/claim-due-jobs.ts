import { sql, type Expression, type Selectable } from 'kysely';
import type { Db, Dialect, JobsTable } from '../database.js';
import { failRunsOfBuriedJobs, LEASE_EXPIRED_JOB_ERROR } from './fail-runs-of-buried-jobs.js';

/**
 * Claims up to `limit` due jobs for `workerId`, oldest due first: pending jobs whose run_at has
 * come, and running jobs whose lease expired (their worker died or stalled). A claim sets status
 * running, increments attempts and takes a lease until `nowMs + leaseMs`.
 *
 * PostgreSQL locks the candidates with FOR UPDATE SKIP LOCKED, so concurrent workers never claim the
 * same job; SQLite has one writer, and the single UPDATE ... RETURNING is atomic on its own.
 * A job whose lease expired on its last attempt goes to dead (code lease_expired) instead.
 */
export async function claimDueJobs(
  db: Db,
  args: {
    readonly dialect: Dialect;
    readonly workerId: string;
    /** Only these queues (a worker claims what it has handlers for); all queues when omitted. */
    readonly queues?: readonly string[];
    readonly limit: number;
    readonly leaseMs: number;
    readonly nowMs: number;
    /** Also bury running jobs whose lease expired on their last attempt (default true). */
    readonly sweepExpired?: boolean;
  },
): Promise<Selectable<JobsTable>[]> {
  const { dialect, workerId, queues, limit, leaseMs, nowMs } = args;
  if (limit <= 0 || (queues !== undefined && queues.length === 0)) return [];

  if (args.sweepExpired !== false) {
    const buried = await db
      .updateTable('jobs')
      .set({ status: 'dead', locked_by: null, locked_until: null, last_error: LEASE_EXPIRED_JOB_ERROR, last_error_code: 'lease_expired', finished_at: nowMs, updated_at: nowMs })
      .where('status', '=', 'running')
      .where('locked_until', '<', nowMs)
      .whereRef('attempts', '>=', 'max_attempts')
      .$if(queues !== undefined, (qb) => qb.where('queue', 'in', queues ?? []))
      .executeTakeFirst();
    if (buried.numUpdatedRows > 0n) await failRunsOfBuriedJobs(db, nowMs);
  }

  // With queues named, each queue's pending and expired-lease jobs are read apart, in index order
  // (jobs_queue_status_run_at), stopping at the limit: a claim costs what it takes, not the backlog.
  if (queues !== undefined) {
    const claimed: Selectable<JobsTable>[] = [];
    for (const queue of queues) {
      const remaining = limit - claimed.length;
      if (remaining <= 0) break;
      claimed.push(...(await claimFromQueue(db, { dialect, workerId, queue, limit: remaining, leaseMs, nowMs })));
    }
    return sortByDue(claimed);
  }

  const candidates = db
    .selectFrom('jobs')
    .select('id')
    .where((eb) =>
      eb.or([
        eb.and([eb('status', '=', 'pending'), eb('run_at', '<=', nowMs)]),
        eb.and([eb('status', '=', 'running'), eb('locked_until', '<', nowMs)]),
      ]),
    )
    .orderBy('run_at')
    .orderBy('id')
    .limit(limit)
    .$if(dialect === 'postgres', (qb) => qb.forUpdate().skipLocked());
  return sortByDue(await takeClaims(db, { dialect, workerId, leaseMs, nowMs, candidates }));
}

/** Claims up to `limit` due jobs of one queue: pending ones due by now and running ones whose lease expired, oldest due first. */
async function claimFromQueue(
  db: Db,
  args: { readonly dialect: Dialect; readonly workerId: string; readonly queue: string; readonly limit: number; readonly leaseMs: number; readonly nowMs: number },
): Promise<Selectable<JobsTable>[]> {
  const { dialect, queue, limit, nowMs } = args;
  const due = (status: 'pending' | 'running') =>
    db
      .selectFrom('jobs')
      .select(['id', 'run_at'])
      .where('queue', '=', queue)
      .where('status', '=', status)
      .where(status === 'pending' ? 'run_at' : 'locked_until', status === 'pending' ? '<=' : '<', nowMs)
      .orderBy('run_at')
      .orderBy('id')
      .limit(limit)
      .$if(dialect === 'postgres', (qb) => qb.forUpdate().skipLocked());
  // PostgreSQL locks the rows of both lists (a few more than taken, released at commit); the union picks the oldest.
  const candidates = sql<{ id: string }>`select id from (select * from (${due('pending')}) as p union all select * from (${due('running')}) as e) as c order by run_at, id limit ${limit}`;
  return takeClaims(db, { ...args, candidates });
}

/** Marks the candidate jobs running under `workerId`'s lease and returns them. */
async function takeClaims(
  db: Db,
  args: { readonly dialect: Dialect; readonly workerId: string; readonly leaseMs: number; readonly nowMs: number; readonly candidates: Expression<unknown> },
): Promise<Selectable<JobsTable>[]> {
  const { dialect, workerId, leaseMs, nowMs, candidates } = args;
  return db
    .updateTable('jobs')
    .set((eb) => ({
      status: 'running',
      attempts: eb('attempts', '+', 1),
      locked_by: workerId,
      locked_until: nowMs + leaseMs,
      updated_at: nowMs,
    }))
    // PostgreSQL: = any(array(...)) evaluates the locking subquery exactly once; a plain IN may be
    // re-run by the planner and lock more rows than it returns.
    .$if(dialect === 'postgres', (qb) => qb.where(sql<boolean>`id = any(array(${candidates}))`))
    .$if(dialect === 'sqlite', (qb) => qb.where(sql<boolean>`id in (${candidates})`))
    .returningAll()
    .execute();
}

function sortByDue(claimed: Selectable<JobsTable>[]): Selectable<JobsTable>[] {
  return claimed.sort((a, b) => a.run_at - b.run_at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
