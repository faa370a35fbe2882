import type BetterSqlite3 from 'better-sqlite3';
import { commitWithItemFallbackSync } from '../events/commit-with-item-fallback.js';
import type { RunProgress, RunProgressOutcome } from './commit-run-progress.js';

interface Statements {
  readonly batch: (items: readonly RunProgress[]) => RunProgressOutcome[];
}

const prepared = new WeakMap<BetterSqlite3.Database, Statements>();

function prepare(sqlite: BetterSqlite3.Database): Statements {
  const claimed = 'id = @id and status = \'running\' and locked_by = @worker and attempts = @attempt';
  const completeJob = sqlite.prepare(`update jobs set status = 'succeeded', locked_by = null, locked_until = null, finished_at = @now, updated_at = @now where ${claimed}`);
  const holdJob = sqlite.prepare(`update jobs set updated_at = @now where ${claimed}`);
  const failJob = sqlite.prepare(
    `update jobs set status = @status, run_at = coalesce(@retry_at, run_at), finished_at = @finished_at, last_error = @error, last_error_code = @code,
       locked_by = null, locked_until = null, updated_at = @now where ${claimed}`,
  );
  const updateRun = sqlite.prepare(
    `update runs set status = @status, updated_at = @now, finished_at = @finished_at, error = @error, plan = coalesce(@plan, plan)
     where id = @id and status in ('pending', 'running', 'failed')`,
  );
  const upsertStep = sqlite.prepare(
    `insert into run_steps (run_id, step_name, position, kind, status, input, output, attempts, error, started_at, finished_at)
     values (@run_id, @step_name, @position, @kind, @status, @input, @output, @attempts, @error, @started_at, @finished_at)
     on conflict (run_id, step_name) do update set position = excluded.position, kind = excluded.kind, status = excluded.status, input = excluded.input,
       output = excluded.output, attempts = excluded.attempts, error = excluded.error, started_at = excluded.started_at, finished_at = excluded.finished_at
     where run_steps.status <> 'succeeded'`,
  );
  const insertEvent = sqlite.prepare(
    `insert into events (id, source, type, subject, time, received_at, datacontenttype, data, data_base64, extensions, idempotency_key, routed)
     values (@id, @source, @type, @subject, @time, @received_at, @datacontenttype, @data, @data_base64, @extensions, @idempotency_key, @routed)
     on conflict (source, idempotency_key) do nothing`,
  );
  const insertRun = sqlite.prepare(
    `insert into runs (id, event_id, route_id, status, plan, error, created_at, updated_at, finished_at)
     values (@id, @event_id, @route_id, @status, @plan, @error, @created_at, @updated_at, @finished_at) on conflict (event_id, route_id) do nothing`,
  );
  const insertJob = sqlite.prepare(
    `insert into jobs (id, queue, payload, status, attempts, max_attempts, run_at, locked_by, locked_until, last_error, last_error_code, dedupe_key, created_at, updated_at, finished_at)
     values (@id, @queue, @payload, @status, @attempts, @max_attempts, @run_at, @locked_by, @locked_until, @last_error, @last_error_code, @dedupe_key, @created_at, @updated_at, @finished_at)
     on conflict (queue, dedupe_key) where dedupe_key is not null do nothing`,
  );
  const insertNotify = sqlite.prepare(
    `insert into notify_outbox (id, run_id, step_name, request, status, created_at) values (@id, @run_id, @step_name, @request, @status, @created_at)
     on conflict (run_id, step_name) do nothing`,
  );

  const one = (progress: RunProgress): RunProgressOutcome => {
    const now = progress.nowMs;
    const job = progress.job;
    if (job !== undefined) {
      const claim = { id: job.claim.id, worker: job.claim.workerId, attempt: job.claim.attempt, now };
      const changes =
        job.outcome === 'completed'
          ? completeJob.run(claim).changes
          : job.outcome === 'held'
            ? holdJob.run(claim).changes
            : failJob.run({
              ...claim,
                status: job.disposition === 'dead' ? 'dead' : 'pending',
                retry_at: job.disposition === 'dead' ? null : job.disposition.retryAtMs,
                finished_at: job.disposition === 'dead' ? now : null,
                error: JSON.stringify({ code: job.error.code, message: job.error.message }),
                code: job.error.code,
              }).changes;
      if (changes === 0) return { status: 'lost_claim' };
    }
    const run = progress.run;
    const updated = updateRun.run({
      id: progress.runId,
      status: run.status,
      now,
      finished_at: run.status === 'running' ? null : now,
      error: run.status === 'failed' ? JSON.stringify(run.error) : null,
      plan: progress.plan ?? null,
    }).changes;
    if (updated === 0) return { status: 'run_finished' };
    for (const step of progress.steps) upsertStep.run(step);
    let startedRuns = 0;
    for (const emitted of progress.events) {
      if (insertEvent.run(emitted.event).changes === 0) continue;
      for (const start of emitted.runs) {
        if (insertRun.run(start.run).changes === 0) continue;
        insertJob.run(start.job);
        startedRuns += 1;
      }
    }
    for (const notification of progress.notifications) insertNotify.run(notification);
    return { status: 'committed', startedRuns };
  };
  const statements = { batch: sqlite.transaction((items: readonly RunProgress[]) => items.map(one)) };
  prepared.set(sqlite, statements);
  return statements;
}

/**
 * commitRunProgress for a batch of runs on SQLite, synchronously, with prepared statements in one
 * transaction: the same semantics per item (a lost claim writes nothing, a finished run gets only its
 * job settled). Runs on the ingest writer thread, so run commits never block the main thread on
 * SQLite's write lock or fsync. When the batch fails, each item is retried alone and a failing one
 * gets its Error in place of an outcome.
 */
export function commitRunProgressSqliteSync(sqlite: BetterSqlite3.Database, items: readonly RunProgress[]): Array<RunProgressOutcome | Error> {
  const statements = prepared.get(sqlite) ?? prepare(sqlite);
  return commitWithItemFallbackSync(items, statements.batch);
}
