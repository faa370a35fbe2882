import type { Logger } from 'pino';
import type { Clock } from '../core/clock.js';
import type { Store } from '../store/store.js';
import { deleteRequestLogsBefore } from '../store/webhook-logs/delete-request-logs-before.js';

/** Rows deleted per statement, so a large backlog never holds the write lock for long. */
const DELETE_CHUNK = 5000;

/**
 * Deletes request-log rows older than the retention period: once shortly after start, then every
 * `intervalMs`. Counters (`/status`) and events are kept; only the per-request log ages out.
 */
export class RequestLogSweeper {
  readonly #store: Store;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #retentionMs: number;
  readonly #intervalMs: number;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<number> | undefined;

  constructor(options: { store: Store; clock: Clock; logger: Logger; retentionDays: number; intervalMs: number }) {
    this.#store = options.store;
    this.#clock = options.clock;
    this.#logger = options.logger;
    this.#retentionMs = options.retentionDays * 86_400_000;
    this.#intervalMs = options.intervalMs;
  }

  start(): void {
    const tick = () => {
      void this.sweep().catch((error: unknown) => this.#logger.warn({ err: error }, 'request log sweep failed'));
      this.#timer = setTimeout(tick, this.#intervalMs);
      this.#timer.unref();
    };
    this.#timer = setTimeout(tick, Math.min(60_000, this.#intervalMs));
    this.#timer.unref();
  }

  /** Deletes every expired row now (in chunks); resolves with how many. Concurrent calls share one sweep. */
  sweep(): Promise<number> {
    this.#running ??= (async () => {
      const before = this.#clock.nowMs() - this.#retentionMs;
      let total = 0;
      for (;;) {
        const deleted = await deleteRequestLogsBefore(this.#store.db, before, DELETE_CHUNK);
        total += deleted;
        if (deleted < DELETE_CHUNK) break;
      }
      if (total > 0) this.#logger.info({ deleted: total }, 'request log rows past retention deleted');
      return total;
    })().finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  /** Stops scheduling and waits for a sweep in progress. */
  async stop(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#running?.catch(() => undefined);
  }
}
