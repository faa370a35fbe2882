import { Worker } from 'node:worker_threads';
import type { IngestItem, IngestResult } from '../events/commit-ingest-batch.js';
import type { WriterInit, WriterRequest, WriterResponse } from './writer-protocol.js';

/**
 * Commits ingest batches on a dedicated thread with its own SQLite connection, so the fsync and
 * SQLite's CPU work overlap with HTTP handling on the main thread instead of blocking it (profiled:
 * about 45% of the main thread's time on the ingest path). WAL mode lets the main thread's
 * connection keep reading; its occasional writes wait on SQLite's busy timeout.
 */
export class SqliteIngestWriter {
  readonly #worker: Worker;
  readonly #pending = new Map<number, { resolve(results: Array<IngestResult | Error>): void; reject(error: Error): void }>();
  #nextId = 1;
  #closed: Promise<void> | undefined;
  #failure: Error | undefined;

  constructor(init: WriterInit) {
    const fromSources = import.meta.url.endsWith('.ts');
    const script = new URL(`./sqlite-writer-thread${fromSources ? '.ts' : '.js'}`, import.meta.url);
    // Running from TypeScript sources (tests, `npm run dev`), the thread registers tsx's loader first.
    this.#worker = fromSources
      ? new Worker(`import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(script.href)}); });`, { eval: true, workerData: init })
      : new Worker(script, { workerData: init });
    this.#worker.on('message', (response: WriterResponse) => {
      const pending = this.#pending.get(response.id);
      if (pending === undefined) return;
      this.#pending.delete(response.id);
      if (response.ok) pending.resolve([...response.results]);
      else pending.reject(Object.assign(new Error(response.message), { stack: response.stack }));
    });
    this.#worker.on('error', (error) => this.#failAll(new Error('SQLite writer thread failed', { cause: error })));
    this.#worker.on('exit', (code) => this.#failAll(new Error(`SQLite writer thread exited (${code})`)));
  }

  /** Commits one batch in one transaction; resolves after COMMIT (an Error in an item's place: that item alone failed). */
  commit(items: readonly IngestItem[]): Promise<Array<IngestResult | Error>> {
    if (this.#failure !== undefined) return Promise.reject(this.#failure);
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#worker.postMessage({ id, items } satisfies WriterRequest);
    });
  }

  /** Closes the thread's connection after every batch already sent has been answered. */
  close(): Promise<void> {
    this.#closed ??= new Promise<void>((resolve) => {
      this.#worker.once('exit', () => resolve());
      this.#worker.postMessage('close');
    });
    return this.#closed;
  }

  #failAll(error: Error): void {
    this.#failure ??= error;
    for (const pending of this.#pending.values()) pending.reject(error);
    this.#pending.clear();
  }
}
