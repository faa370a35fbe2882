import { newId } from '../../core/new-id.js';
import type { Db } from '../database.js';

export interface NewJob {
  readonly queue: string;
  /** Any JSON-serialisable value. */
  readonly payload: unknown;
  readonly maxAttempts: number;
  /** Not claimed before this time; defaults to `nowMs`. */
  readonly runAtMs?: number;
  /** Unique per queue: a job whose key already exists (in any state) is not enqueued again. */
  readonly dedupeKey?: string;
}

export type EnqueueOutcome = { readonly status: 'enqueued'; readonly id: string } | { readonly status: 'duplicate'; readonly id: string };

// 14 bound values a row: 500 rows stay far below SQLite's 32,766 variable limit.
const ROWS_PER_INSERT = 500;

/**
 * Inserts jobs, one outcome per job in order; a job whose dedupe key exists in its queue is a
 * `duplicate` carrying the existing job's id. Run it inside the caller's transaction so the jobs
 * commit (or roll back) with the change that caused them. Wake-ups are the caller's (see queue/enqueue).
 */
export async function enqueueJobs(db: Db, args: { readonly jobs: readonly NewJob[]; readonly nowMs: number }): Promise<EnqueueOutcome[]> {
  const { jobs, nowMs } = args;
  const ids = jobs.map(() => newId(nowMs));
  const inserted = new Set<string>();
  for (let start = 0; start < jobs.length; start += ROWS_PER_INSERT) {
    const rows = jobs.slice(start, start + ROWS_PER_INSERT).map((job, offset) => ({
      id: ids[start + offset] as string,
      queue: job.queue,
      payload: JSON.stringify(job.payload ?? null),
      status: 'pending' as const,
      attempts: 0,
      max_attempts: job.maxAttempts,
      run_at: job.runAtMs ?? nowMs,
      locked_by: null,
      locked_until: null,
      last_error: null,
      last_error_code: null,
      dedupe_key: job.dedupeKey ?? null,
      created_at: nowMs,
      updated_at: nowMs,
      finished_at: null,
    }));
    const returned = await db
      .insertInto('jobs')
      .values(rows)
      .onConflict((oc) => oc.columns(['queue', 'dedupe_key']).where('dedupe_key', 'is not', null).doNothing())
      .returning('id')
      .execute();
    for (const row of returned) inserted.add(row.id);
  }
  const outcomes: EnqueueOutcome[] = [];
  for (const [index, job] of jobs.entries()) {
    const id = ids[index] as string;
    if (inserted.has(id) || job.dedupeKey === undefined) {
      outcomes.push({ status: 'enqueued', id });
      continue;
    }
    const existing = await db.selectFrom('jobs').select('id').where('queue', '=', job.queue).where('dedupe_key', '=', job.dedupeKey).executeTakeFirstOrThrow();
    outcomes.push({ status: 'duplicate', id: existing.id });
  }
  return outcomes;
}
