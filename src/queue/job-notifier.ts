import type { Db } from '../store/database.js';

/**
 * Wakes idle workers when jobs are enqueued, so they need not wait for the poll interval.
 * PostgreSQL: NOTIFY in the enqueuing transaction, delivered to every LISTENing process on commit
 * (PostgresJobNotifier). SQLite: an in-process signal (InProcessJobNotifier).
 * A wake-up is only a hint: a lost or spurious one costs at most a poll interval or an empty claim.
 */
export interface JobNotifier {
  /** Called by the enqueue path with the caller's transaction, naming the queues that got jobs. */
  notifyEnqueued(db: Db, queues: readonly string[]): Promise<void>;
  /** Calls `listener` on each wake-up; returns the unsubscribe function. */
  onWake(listener: (queue: string) => void): () => void;
}
