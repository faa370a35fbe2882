import type { Kysely } from 'kysely';
import type { Database, Db } from './database.js';
import { commitWithItemFallback } from './events/commit-with-item-fallback.js';
import { GroupCommitter } from './group-committer.js';

/** A unit of work for one transaction. It must not depend on running alone: others share its transaction. */
export type TransactionWork<R> = (trx: Db) => Promise<R>;

/**
 * Group commit for small transactions: work submitted at about the same time runs one unit after
 * another inside ONE transaction, so many job completions and run checkpoints share one COMMIT (one
 * fsync on SQLite, one round trip of BEGIN/COMMIT on PostgreSQL). Each unit must express expected
 * outcomes as values (a lost claim, a cancelled run) and leave the store unchanged for them; when a
 * unit throws, the batch is rolled back and every unit is retried in a transaction of its own, so the
 * failure is reported to that unit alone. Units may therefore run twice; they must be written as
 * conditional writes that are correct to repeat after a rollback.
 */
export class TransactionBatcher {
  readonly #committer: GroupCommitter<TransactionWork<unknown>, unknown>;

  constructor(db: Kysely<Database>, options: { readonly maxBatchSize: number; readonly maxConcurrentCommits: number }) {
    this.#committer = new GroupCommitter<TransactionWork<unknown>, unknown>({
      maxBatchSize: options.maxBatchSize,
      maxConcurrentCommits: options.maxConcurrentCommits,
      commit: (units) =>
        commitWithItemFallback(units, (batch) =>
          db.transaction().execute(async (trx) => {
            const results: unknown[] = [];
            for (const unit of batch) results.push(await unit(trx));
            return results;
          }),
        ),
    });
  }

  /** Resolves with the unit's result once the transaction that ran it has committed. */
  run<R>(work: TransactionWork<R>): Promise<R> {
    return this.#committer.submit(work) as Promise<R>;
  }

  /** Resolves when every submitted unit has committed or failed. */
  drain(): Promise<void> {
    return this.#committer.drain();
  }
}
