import type { JobClaim } from '../store/jobs/job-claim.js';
import type { JobFailure } from './job-failure.js';
import type { RetryPolicy } from './retry-policy.js';

/** A job as its handler sees it. */
export interface ClaimedJob {
  readonly id: string;
  readonly queue: string;
  readonly payload: unknown;
  /** This attempt, 1-based. */
  readonly attempt: number;
  readonly maxAttempts: number;
  readonly dedupeKey: string | null;
  readonly createdAtMs: number;
}

export interface JobContext {
  /** Aborted when the worker lost the job's claim (lease taken over or cancelled) or a drain timed out. */
  readonly signal: AbortSignal;
  /**
   * The claim this attempt holds. A handler that commits its own work may settle the job in the same
   * transaction (completeJob / failJob under this claim) and resolve `'settled'`; the worker then
   * records nothing more.
   */
  readonly claim: JobClaim;
  /** What the queue's `prefetch` loaded for this job, when it has one and it succeeded. */
  readonly prefetched?: unknown;
}

/**
 * Runs one attempt. Resolve (undefined) for success; return a JobFailure (or throw, e.g. a
 * JobFailedError) to fail the attempt, which the queue's RetryPolicy turns into a retry or a dead
 * letter; resolve `'settled'` when the handler already recorded the job's outcome under its claim.
 * Handlers must be idempotent: after a crash or an expired lease a job runs again.
 */
export type JobHandler = (job: ClaimedJob, context: JobContext) => Promise<JobFailure | 'settled' | undefined | void>;

export interface QueueRegistration {
  readonly handler: JobHandler;
  readonly policy: RetryPolicy;
  /**
   * Loads what the handlers of a claimed batch need in one read, keyed by job id (each handler gets
   * its entry as `context.prefetched`); handlers must still work without it.
   */
  readonly prefetch?: (jobs: readonly ClaimedJob[]) => Promise<ReadonlyMap<string, unknown>>;
}
