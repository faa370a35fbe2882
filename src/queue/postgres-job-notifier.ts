import { EventEmitter } from 'node:events';
import { sql } from 'kysely';
import pg from 'pg';
import { coerceError } from '../core/coerce-error.js';
import type { Db } from '../store/database.js';
import { connectionConfig } from '../store/open-store.js';
import type { JobNotifier } from './job-notifier.js';

/** The PostgreSQL channel; NOTIFY is database-wide, so other schemas' wake-ups arrive too (harmless, a claim finds nothing). */
export const jobsChannel = 'switchboard_jobs';

const RECONNECT_DELAY_MS = 1_000;

/**
 * The PostgreSQL wake-up: LISTEN on a dedicated connection (a pooled one would be handed to other
 * queries), NOTIFY from the enqueuing transaction. When the listening connection drops it reconnects
 * after a second; workers' poll interval covers the gap.
 */
export class PostgresJobNotifier implements JobNotifier {
  readonly #databaseUrl: string;
  readonly #onError: (error: Error) => void;
  readonly #emitter = new EventEmitter();
  #client: pg.Client | undefined;
  #reconnectTimer: NodeJS.Timeout | undefined;
  #stopped = true;

  constructor(options: { readonly databaseUrl: string; readonly onError?: (error: Error) => void }) {
    this.#databaseUrl = options.databaseUrl;
    this.#onError = options.onError ?? (() => {});
    this.#emitter.setMaxListeners(0);
  }

  /** Connects and LISTENs; rejects when the first connection fails. */
  async start(): Promise<void> {
    this.#stopped = false;
    await this.#connect();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#reconnectTimer);
    const client = this.#client;
    this.#client = undefined;
    await client?.end().catch(() => {});
  }

  async notifyEnqueued(db: Db, queues: readonly string[]): Promise<void> {
    for (const queue of new Set(queues)) await sql`select pg_notify(${jobsChannel}, ${queue})`.execute(db);
  }

  onWake(listener: (queue: string) => void): () => void {
    this.#emitter.on('wake', listener);
    return () => this.#emitter.off('wake', listener);
  }

  async #connect(): Promise<void> {
    const client = new pg.Client(connectionConfig(this.#databaseUrl));
    client.on('notification', (message) => this.#emitter.emit('wake', message.payload ?? ''));
    client.on('error', (error) => this.#lost(client, error));
    client.on('end', () => this.#lost(client, new Error('The LISTEN connection closed')));
    await client.connect();
    await client.query(`listen ${jobsChannel}`);
    if (this.#stopped) {
      await client.end().catch(() => {});
      return;
    }
    this.#client = client;
    // Jobs enqueued while disconnected sent their NOTIFY to nobody.
    this.#emitter.emit('wake', '');
  }

  #lost(client: pg.Client, error: Error): void {
    if (this.#client !== client || this.#stopped) return;
    this.#client = undefined;
    this.#onError(error);
    client.end().catch(() => {});
    this.#scheduleReconnect();
  }

  #scheduleReconnect(): void {
    this.#reconnectTimer = setTimeout(() => {
      this.#connect().catch((thrown: unknown) => {
        this.#onError(coerceError(thrown));
        if (!this.#stopped) this.#scheduleReconnect();
      });
    }, RECONNECT_DELAY_MS);
  }
}
