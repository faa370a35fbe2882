import type { Kysely, Selectable } from 'kysely';
import { coerceError } from '../core/coerce-error.js';
import type { Clock } from '../core/clock.js';
import { newId } from '../core/new-id.js';
import type { Database, Dialect, JobsTable } from '../store/database.js';
import { claimDueJobs } from '../store/jobs/claim-due-jobs.js';
import { completeJob } from '../store/jobs/complete-job.js';
import { extendLease } from '../store/jobs/extend-lease.js';
import { failJob } from '../store/jobs/fail-job.js';
import type { TransactionBatcher } from '../store/transaction-batcher.js';
import type { ClaimRequest } from '../store/jobs/claim-due-jobs-sqlite.js';
import { failureFromThrown } from './job-failure.js';
import type { ClaimedJob, QueueRegistration } from './job-handler.js';
import type { JobNotifier } from './job-notifier.js';
import { decideFailure } from './retry-policy.js';

export interface JobWorkerOptions {
  readonly db: Kysely<Database>;
  readonly dialect: Dialect;
  readonly notifier: JobNotifier;
  /** Handlers by queue name; the worker claims only these queues. */
  readonly queues: Readonly<Record<string, QueueRegistration>>;
  readonly clock: Clock;
  /** [0, 1), for retry jitter. */
  readonly random: () => number;
  /** Unique per process; a fresh id by default. */
  readonly workerId?: string;
  /** Handlers running at once in this process. */
  readonly concurrency?: number;
  /** How long a claim lasts without renewal; renewed every third of it while the handler runs. */
  readonly leaseMs?: number;
  /** Fallback claim interval when no wake-up arrives. */
  readonly pollIntervalMs?: number;
  /**
   * Claims jobs; claimDueJobs on `db` by default. SQLite deployments pass the writer thread's claim,
   * so the claim's write lock is never taken on the main thread.
   */
  readonly claim?: (request: ClaimRequest) => Promise<Selectable<JobsTable>[]>;
  /**
   * Records completions and failures through this batcher, many per transaction (group commit);
   * without it each outcome commits on its own.
   */
  readonly settle?: TransactionBatcher;
  /** Store failures in the claim loop and on completion (the job's lease then expires and it runs again). */
  readonly onError?: (error: Error) => void;
}

interface RunningJob {
  readonly controller: AbortController;
  readonly done: Promise<void>;
}

/**
 * Claims due jobs in batches up to its concurrency limit and runs their handlers, recording each
 * outcome under the claim it holds. Wakes on the notifier, and polls as a fallback.
 */
export class JobWorker {
  readonly workerId: string;
  readonly #options: JobWorkerOptions;
  readonly #concurrency: number;
  readonly #leaseMs: number;
  readonly #pollIntervalMs: number;
  readonly #running = new Map<string, RunningJob>();
  #claiming: Promise<void> | undefined;
  #claimAgain = false;
  #lastSweepMs = Number.NEGATIVE_INFINITY;
  #started = false;
  #stopping = false;
  #pollTimer: NodeJS.Timeout | undefined;
  #unsubscribe: (() => void) | undefined;

  constructor(options: JobWorkerOptions) {
    this.#options = options;
    this.workerId = options.workerId ?? `worker-${newId(options.clock.nowMs())}`;
    this.#concurrency = options.concurrency ?? 10;
    this.#leaseMs = options.leaseMs ?? 30_000;
    this.#pollIntervalMs = options.pollIntervalMs ?? 1_000;
  }

  /** Claims due jobs now if there are free slots (e.g. right after this process committed some). */
  wake(): void {
    this.#fill();
  }

  /** Handlers running now. */
  get runningCount(): number {
    return this.#running.size;
  }

  start(): void {
    if (this.#started) throw new Error('JobWorker already started');
    this.#started = true;
    this.#unsubscribe = this.#options.notifier.onWake((queue) => {
      if (queue === '' || queue in this.#options.queues) this.#fill();
    });
    this.#pollTimer = setInterval(() => this.#fill(), this.#pollIntervalMs);
    this.#fill();
  }

  /**
   * Stops claiming and waits for running handlers to finish and record their outcome (graceful
   * drain). After `timeoutMs` it aborts their signals and returns `drained: false`; their leases then
   * expire and another worker runs them again.
   */
  async stop(options: { readonly timeoutMs?: number } = {}): Promise<{ drained: boolean }> {
    this.#stopping = true;
    clearInterval(this.#pollTimer);
    this.#unsubscribe?.();
    await this.#claiming;
    const all = Promise.all([...this.#running.values()].map((job) => job.done)).then(() => true);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), options.timeoutMs ?? 30_000);
    });
    const drained = await Promise.race([all, timedOut]);
    clearTimeout(timer);
    if (!drained) for (const job of this.#running.values()) job.controller.abort(new Error('JobWorker stopped before the job finished'));
    return { drained };
  }

  /** Starts a claim if there are free slots; while one is in flight, remembers to claim again after it. */
  #fill(): void {
    if (!this.#started || this.#stopping) return;
    if (this.#claiming !== undefined) {
      this.#claimAgain = true;
      return;
    }
    const free = this.#concurrency - this.#running.size;
    // Under load, wait until a quarter of the slots are free and claim them in one statement, rather
    // than one claim per finished job; an idle worker claims at once.
    if (free <= 0 || (this.#running.size > 0 && free < Math.max(1, Math.floor(this.#concurrency / 4)))) return;
    this.#claimAgain = false;
    this.#claiming = this.#claim(free).finally(() => {
      this.#claiming = undefined;
      if (this.#claimAgain) this.#fill();
    });
  }

  async #claim(limit: number): Promise<void> {
    let claimed: Selectable<JobsTable>[];
    try {
      const nowMs = this.#options.clock.nowMs();
      // Burying jobs whose lease expired on their last attempt needs no hurry: at most twice per lease.
      const sweepExpired = nowMs - this.#lastSweepMs >= this.#leaseMs / 2;
      if (sweepExpired) this.#lastSweepMs = nowMs;
      const request: ClaimRequest = { workerId: this.workerId, queues: Object.keys(this.#options.queues), limit, leaseMs: this.#leaseMs, nowMs, sweepExpired };
      const claim = this.#options.claim;
      claimed = claim === undefined ? await claimDueJobs(this.#options.db, { ...request, dialect: this.#options.dialect }) : await claim(request);
    } catch (thrown) {
      this.#options.onError?.(coerceError(thrown));
      return;
    }
    const prefetched = await this.#prefetch(claimed);
    for (const row of claimed) this.#run(row, prefetched.get(row.id));
    // A full batch suggests more is due.
    if (claimed.length === limit) this.#claimAgain = true;
  }

  /** What each queue's `prefetch` loads for its claimed jobs in one go; a failure only costs the handlers their own reads. */
  async #prefetch(claimed: readonly Selectable<JobsTable>[]): Promise<ReadonlyMap<string, unknown>> {
    const all = new Map<string, unknown>();
    const byQueue = new Map<string, ClaimedJob[]>();
    for (const row of claimed) {
      if (this.#options.queues[row.queue]?.prefetch === undefined) continue;
      const jobs = byQueue.get(row.queue) ?? [];
      jobs.push(claimedJob(row));
      byQueue.set(row.queue, jobs);
    }
    for (const [queue, jobs] of byQueue) {
      try {
        const loaded = await this.#options.queues[queue]?.prefetch?.(jobs);
        for (const [id, value] of loaded ?? []) all.set(id, value);
      } catch (thrown) {
        this.#options.onError?.(coerceError(thrown));
      }
    }
    return all;
  }

  #run(row: Selectable<JobsTable>, prefetched: unknown): void {
    const controller = new AbortController();
    const done = this.#execute(row, controller, prefetched).finally(() => {
      this.#running.delete(row.id);
      this.#fill();
    });
    this.#running.set(row.id, { controller, done });
  }

  async #execute(row: Selectable<JobsTable>, controller: AbortController, prefetched: unknown): Promise<void> {
    const { db, clock } = this.#options;
    const registration = this.#options.queues[row.queue];
    const claim = { id: row.id, workerId: this.workerId, attempt: row.attempts };
    const leaseTimer = setInterval(() => {
      extendLease(db, { ...claim, lockedUntilMs: clock.nowMs() + this.#leaseMs, nowMs: clock.nowMs() }).then(
        (kept) => {
          if (!kept) controller.abort(new Error('The job claim was lost'));
        },
        (thrown: unknown) => this.#options.onError?.(coerceError(thrown)),
      );
    }, Math.max(1, Math.floor(this.#leaseMs / 3)));
    try {
      if (registration === undefined) throw new Error(`No handler for queue ${row.queue}`);
      let outcome;
      try {
        const job = claimedJob(row);
        outcome = (await registration.handler(job, { signal: controller.signal, claim, ...(prefetched === undefined ? {} : { prefetched }) })) ?? undefined;
      } catch (thrown) {
        outcome = failureFromThrown(thrown);
      }
      clearInterval(leaseTimer);
      if (outcome === 'settled') return;
      const nowMs = clock.nowMs();
      if (outcome === undefined) {
        const settle = this.#options.settle;
        if (settle === undefined) await completeJob(db, { ...claim, nowMs });
        else await settle.run((trx) => completeJob(trx, { ...claim, nowMs }));
        return;
      }
      const disposition = decideFailure(
        registration.policy,
        { attempt: row.attempts, maxAttempts: row.max_attempts, code: outcome.code, retryAfterMs: outcome.retryAfterMs },
        this.#options.random,
        nowMs,
      );
      const failure = { ...claim, error: { code: outcome.code, message: outcome.message }, disposition, nowMs };
      const settle = this.#options.settle;
      if (settle === undefined) await failJob(db, failure);
      else await settle.run((trx) => failJob(trx, failure));
    } catch (thrown) {
      this.#options.onError?.(coerceError(thrown));
    } finally {
      clearInterval(leaseTimer);
    }
  }
}

/** A claimed row as handlers see it. */
function claimedJob(row: Selectable<JobsTable>): ClaimedJob {
  return {
    id: row.id,
    queue: row.queue,
    payload: JSON.parse(row.payload) as unknown,
    attempt: row.attempts,
    maxAttempts: row.max_attempts,
    dedupeKey: row.dedupe_key,
    createdAtMs: row.created_at,
  };
}
