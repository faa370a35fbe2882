import { EventEmitter } from 'node:events';
import type { RunStatus } from '../store/database.js';

/** A finished run's status, as waiters learn it. */
export type FinishedRunStatus = Extract<RunStatus, 'succeeded' | 'failed' | 'cancelled'>;

/**
 * In-process signals that a run finished, for `respond: sync` webhooks waiting on their run. The
 * executor signals after its commit; a run finished by another process is found by the waiter's
 * own polling (see runs/await-run).
 */
export class RunCompletions {
  readonly #emitter = new EventEmitter();

  constructor() {
    this.#emitter.setMaxListeners(0);
  }

  finished(runId: string, status: FinishedRunStatus): void {
    this.#emitter.emit(runId, status);
  }

  /** A step of `runId` failed and waits for a retry (its failure is committed). */
  retrying(runId: string, stepName: string): void {
    this.#emitter.emit(`${runId}:retrying`, stepName);
  }

  /** Calls `listener` once when a step of `runId` waits for a retry here; returns the unsubscribe function. */
  onRetrying(runId: string, listener: (stepName: string) => void): () => void {
    this.#emitter.once(`${runId}:retrying`, listener);
    return () => this.#emitter.off(`${runId}:retrying`, listener);
  }

  /** Calls `listener` once when `runId` finishes here; returns the unsubscribe function. */
  onFinished(runId: string, listener: (status: FinishedRunStatus) => void): () => void {
    this.#emitter.once(runId, listener);
    return () => this.#emitter.off(runId, listener);
  }
}
