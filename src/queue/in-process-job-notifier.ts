import { EventEmitter } from 'node:events';
import type { JobNotifier } from './job-notifier.js';

/**
 * The SQLite wake-up: an in-process signal. Signalling inside the enqueuing transaction is safe when
 * that transaction runs on the store's Kysely connection: the woken worker's claim waits for the
 * connection, so it runs after the commit. An enqueue committed on another connection (the ingest
 * writer thread) must signal after its commit, or the claim may miss it until the next poll.
 */
export class InProcessJobNotifier implements JobNotifier {
  readonly #emitter = new EventEmitter();

  constructor() {
    this.#emitter.setMaxListeners(0);
  }

  async notifyEnqueued(_db: unknown, queues: readonly string[]): Promise<void> {
    for (const queue of new Set(queues)) this.#emitter.emit('wake', queue);
  }

  onWake(listener: (queue: string) => void): () => void {
    this.#emitter.on('wake', listener);
    return () => this.#emitter.off('wake', listener);
  }
}
