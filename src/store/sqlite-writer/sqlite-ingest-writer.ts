import { Worker } from 'node:worker_threads';
import type { IngestItem, IngestResult } from '../events/commit-ingest-batch.js';
import type { Selectable } from 'kysely';
import type { JobsTable } from '../database.js';
import type { ClaimRequest } from '../jobs/claim-due-jobs-sqlite.js';
import type { RunProgress, RunProgressOutcome } from '../runs/commit-run-progress.js';
import type { DeliveryCommitResult, DeliveryOutcome } from '../deliveries/commit-delivery-outcomes.js';
import type { NewNotification, NotificationCommitOutcome } from '../notifications/commit-notifications.js';
import type { WriterInit, WriterRequest, WriterResponse, WriterResult } from './writer-protocol.js';

/**
 * The SQLite writer: ingest batches, run progress and job claims, on a dedicated thread with its own
 * SQLite connection, so the fsync and SQLite's CPU work overlap with HTTP handling on the main thread
 * instead of blocking it (profiled: about 45% of the main thread's time on the ingest path), and the
 * main thread never waits for the write lock on the hot paths. WAL mode lets the main thread's
 * connection keep reading; its occasional writes (management API) wait on SQLite's busy timeout.
 */
export class SqliteIngestWriter {
  readonly #worker: Worker;
  readonly #pending = new Map<number, { resolve(results: Array<WriterResult | Error>): void; reject(error: Error): void }>();
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
    return this.#send({ id: this.#nextId++, kind: 'ingest', items }) as Promise<Array<IngestResult | Error>>;
  }

  /** Commits run progress (see store/runs/commit-run-progress) in one transaction on the thread. */
  commitRuns(items: readonly RunProgress[]): Promise<Array<RunProgressOutcome | Error>> {
    return this.#send({ id: this.#nextId++, kind: 'runs', items }) as Promise<Array<RunProgressOutcome | Error>>;
  }

  /** Claims due jobs on the thread's connection (see store/jobs/claim-due-jobs-sqlite). */
  claim(request: ClaimRequest): Promise<Selectable<JobsTable>[]> {
    return this.#send({ id: this.#nextId++, kind: 'claim', request }) as Promise<Selectable<JobsTable>[]>;
  }

  /** Commits notifications with their deliveries and jobs (see store/notifications/commit-notifications) in one transaction on the thread. */
  commitNotifications(items: readonly NewNotification[], nowMs: number): Promise<Array<NotificationCommitOutcome | Error>> {
    return this.#send({ id: this.#nextId++, kind: 'notifications', items, nowMs }) as Promise<Array<NotificationCommitOutcome | Error>>;
  }

  /** Commits delivery outcomes (see store/deliveries/commit-delivery-outcomes) in one transaction on the thread. */
  commitDeliveries(items: readonly DeliveryOutcome[]): Promise<Array<DeliveryCommitResult | Error>> {
    return this.#send({ id: this.#nextId++, kind: 'deliveries', items }) as Promise<Array<DeliveryCommitResult | Error>>;
  }

  #send(request: WriterRequest): Promise<Array<WriterResult | Error>> {
    if (this.#failure !== undefined) return Promise.reject(this.#failure);
    return new Promise((resolve, reject) => {
      this.#pending.set(request.id, { resolve, reject });
      this.#worker.postMessage(request);
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
