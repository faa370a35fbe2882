import type { Db } from '../store/database.js';
import { enqueueJobs, type EnqueueOutcome, type NewJob } from '../store/jobs/enqueue-jobs.js';
import type { JobNotifier } from './job-notifier.js';

/**
 * Enqueues jobs in the caller's transaction and signals the workers of their queues. On PostgreSQL
 * the NOTIFY is part of the transaction: delivered on commit, dropped on rollback.
 */
export async function enqueue(db: Db, notifier: JobNotifier, args: { readonly jobs: readonly NewJob[]; readonly nowMs: number }): Promise<EnqueueOutcome[]> {
  const outcomes = await enqueueJobs(db, args);
  const queues = args.jobs.filter((_, index) => outcomes[index]?.status === 'enqueued').map((job) => job.queue);
  if (queues.length > 0) await notifier.notifyEnqueued(db, queues);
  return outcomes;
}
