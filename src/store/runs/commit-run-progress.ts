import type { Db, EventsTable, NotifyOutboxTable, RunStepsTable } from '../database.js';
import { completeJob } from '../jobs/complete-job.js';
import { failJob, type FailureDisposition } from '../jobs/fail-job.js';
import { claimHeld, type JobClaim } from '../jobs/job-claim.js';
import type { JobError } from '../jobs/job-error.js';
import { insertRunStarts } from './insert-run-starts.js';
import type { RunError } from './run-error.js';
import type { RunStartRows } from './run-start-rows.js';

/** An event an emit step appends, with the runs it starts. */
export interface EmittedEvent {
  readonly event: EventsTable & { readonly routed: number };
  readonly runs: readonly RunStartRows[];
}

/** What a run executor commits at a checkpoint or at the end of an attempt, all in one transaction. */
export interface RunProgress {
  readonly runId: string;
  /** Step rows to write; a step already `succeeded` in the store keeps its row. */
  readonly steps: readonly RunStepsTable[];
  readonly events: readonly EmittedEvent[];
  readonly notifications: readonly NotifyOutboxTable[];
  readonly run: { readonly status: 'running' } | { readonly status: 'succeeded' } | { readonly status: 'failed'; readonly error: RunError };
  /** A new plan (JSON steps) for the run: set when a replayed run picks up its route's current steps. */
  readonly plan?: string;
  /** Settles the run's job under its claim in the same transaction. */
  readonly job?: { readonly claim: JobClaim } & (
    | { readonly outcome: 'completed' }
    | { readonly outcome: 'failed'; readonly error: JobError; readonly disposition: FailureDisposition }
    /** A checkpoint: the job stays running, but only a holder of the claim may write. */
    | { readonly outcome: 'held' }
  );
  readonly nowMs: number;
}

export type RunProgressOutcome =
  | { readonly status: 'committed'; readonly startedRuns: number }
  /** The run was cancelled (or finished) by someone else meanwhile: nothing was written. */
  | { readonly status: 'run_finished' }
  /** The job's claim was lost (its lease expired and another worker took it): nothing was written. */
  | { readonly status: 'lost_claim' };

/**
 * Writes a run's progress in the caller's transaction: settles its job, moves its status, writes its
 * step rows, the events its emit steps append (with the runs they start) and its notification
 * requests. Expected outcomes write nothing further and are returned as values, so many runs can
 * share one transaction (see TransactionBatcher): a lost claim writes nothing at all; a run cancelled
 * meanwhile gets only its job settled. A step's output exists exactly when its effects inside
 * Switchboard do.
 */
/** Whether the claim is still held (touching the job's updated_at), for checkpoints. */
async function holdsClaim(trx: Db, claim: JobClaim, nowMs: number): Promise<boolean> {
  const result = await trx
    .updateTable('jobs')
    .set({ updated_at: nowMs })
    .where((eb) => claimHeld(eb, claim))
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function commitRunProgress(trx: Db, progress: RunProgress): Promise<RunProgressOutcome> {
  const { runId, nowMs } = progress;
  const job = progress.job;
  if (job !== undefined) {
    const settled =
      job.outcome === 'completed'
        ? await completeJob(trx, { ...job.claim, nowMs })
        : job.outcome === 'held'
          ? (await holdsClaim(trx, job.claim, nowMs))
            ? 'held'
            : 'lost_claim'
          : await failJob(trx, { ...job.claim, error: job.error, disposition: job.disposition, nowMs });
    if (settled === 'lost_claim') return { status: 'lost_claim' };
  }
  const finished = progress.run.status !== 'running';
  const updated = await trx
    .updateTable('runs')
    .set({
      status: progress.run.status,
      updated_at: nowMs,
      finished_at: finished ? nowMs : null,
      error: progress.run.status === 'failed' ? JSON.stringify(progress.run.error) : null,
      ...(progress.plan === undefined ? {} : { plan: progress.plan }),
    })
    .where('id', '=', runId)
    .where('status', 'in', ['pending', 'running', 'failed'])
    .executeTakeFirst();
  if (updated.numUpdatedRows === 0n) return { status: 'run_finished' };

  if (progress.steps.length > 0) {
    await trx
      .insertInto('run_steps')
      .values([...progress.steps])
      .onConflict((oc) =>
        oc
          .columns(['run_id', 'step_name'])
          .doUpdateSet((eb) => ({
            position: eb.ref('excluded.position'),
            kind: eb.ref('excluded.kind'),
            status: eb.ref('excluded.status'),
            input: eb.ref('excluded.input'),
            output: eb.ref('excluded.output'),
            attempts: eb.ref('excluded.attempts'),
            error: eb.ref('excluded.error'),
            started_at: eb.ref('excluded.started_at'),
            finished_at: eb.ref('excluded.finished_at'),
          }))
          .where('run_steps.status', '!=', 'succeeded'),
      )
      .execute();
  }

  let startedRuns = 0;
  for (const emitted of progress.events) {
    const inserted = await trx
      .insertInto('events')
      .values(emitted.event)
      .onConflict((oc) => oc.columns(['source', 'idempotency_key']).doNothing())
      .returning('id')
      .executeTakeFirst();
    if (inserted !== undefined) startedRuns += (await insertRunStarts(trx, emitted.runs)).length;
  }

  if (progress.notifications.length > 0) {
    await trx
      .insertInto('notify_outbox')
      .values([...progress.notifications])
      .onConflict((oc) => oc.columns(['run_id', 'step_name']).doNothing())
      .execute();
  }
  return { status: 'committed', startedRuns };
}
