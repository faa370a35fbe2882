import { coerceError } from '../core/coerce-error.js';

export interface GroupCommitterOptions<I, R> {
  /**
   * Commits a whole batch in one transaction and returns one result per item, in order. An Error in
   * an item's place rejects that item alone (its own write failed; the others committed).
   */
  readonly commit: (items: readonly I[]) => Promise<readonly (R | Error)[]>;
  readonly maxBatchSize: number;
  /** Batches committing at once (1 for SQLite's single writer; more for a PostgreSQL pool). */
  readonly maxConcurrentCommits: number;
  /** Called with each batch's size and duration, for metrics. */
  readonly onCommit?: (size: number, durationMs: number, failed: boolean) => void;
}

interface Pending<I, R> {
  readonly item: I;
  resolve(result: R): void;
  reject(error: Error): void;
}

/**
 * Group commit: many concurrent submitters share one transaction, and each promise resolves only
 * after the transaction holding its item has committed. A batch starts on the next turn of the event
 * loop (so requests parsed together commit together) or as soon as a commit slot frees up.
 */
export class GroupCommitter<I, R> {
  readonly #options: GroupCommitterOptions<I, R>;
  #queue: Pending<I, R>[] = [];
  #inFlight = 0;
  #scheduled = false;
  #idleWaiters: Array<() => void> = [];

  constructor(options: GroupCommitterOptions<I, R>) {
    this.#options = options;
  }

  /** Resolves once `item` is durably committed; rejects if its transaction failed. */
  submit(item: I): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.#queue.push({ item, resolve, reject });
      this.#schedule();
    });
  }

  /** Resolves when every submitted item has been committed or failed. */
  async drain(): Promise<void> {
    if (this.#queue.length === 0 && this.#inFlight === 0) return;
    await new Promise<void>((resolve) => this.#idleWaiters.push(resolve));
  }

  #schedule(): void {
    if (this.#scheduled || this.#inFlight >= this.#options.maxConcurrentCommits) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      this.#startBatches();
    });
  }

  #startBatches(): void {
    while (this.#queue.length > 0 && this.#inFlight < this.#options.maxConcurrentCommits) {
      const batch = this.#queue.splice(0, this.#options.maxBatchSize);
      this.#inFlight += 1;
      void this.#commitBatch(batch).finally(() => {
        this.#inFlight -= 1;
        if (this.#queue.length > 0) this.#startBatches();
        else if (this.#inFlight === 0) this.#notifyIdle();
      });
    }
  }

  async #commitBatch(batch: readonly Pending<I, R>[]): Promise<void> {
    const started = performance.now();
    try {
      const results = await this.#options.commit(batch.map((p) => p.item));
      this.#options.onCommit?.(batch.length, performance.now() - started, false);
      batch.forEach((pending, index) => {
        const result = results[index] as R | Error;
        if (result instanceof Error) pending.reject(result);
        else pending.resolve(result);
      });
    } catch (thrown) {
      this.#options.onCommit?.(batch.length, performance.now() - started, true);
      const error = coerceError(thrown);
      for (const pending of batch) pending.reject(error);
    }
  }

  #notifyIdle(): void {
    const waiters = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
