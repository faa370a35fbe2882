import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Clock } from '../../core/clock.js';
import { coerceError } from '../../core/coerce-error.js';
import type { Database } from '../../store/database.js';
import { listPendingOutbox } from '../../store/notify-outbox/list-pending-outbox.js';
import type { NewNotification, NotificationCommitOutcome } from '../../store/notifications/commit-notifications.js';
import { parseIntegrationType, type IntegrationType } from '../integration-type.js';
import type { NotificationRequest } from './notification-request.js';
import { prepareNotification, type PrepareNotificationDeps } from './prepare-notification.js';

/** What a run's notify step stored in notify_outbox.request (runs/step-outcome.ts NotifyRequest). */
interface OutboxRequest {
  readonly user_ids?: readonly string[];
  readonly subject?: string;
  readonly body?: string;
  readonly data?: unknown;
  readonly channels?: readonly string[];
  readonly strategy?: 'all' | 'first_success';
}

/** The idempotency key of the notification a run's notify step makes: the same outbox row never notifies twice. */
export function runNotificationKey(runId: string, stepName: string): string {
  return `run:${runId}:${stepName}`;
}

export interface NotifyOutboxRelayOptions {
  readonly db: Kysely<Database>;
  readonly prepare: PrepareNotificationDeps;
  /** Commits the batch's notifications (with their deliveries and jobs, marking the outbox rows dispatched): main's notification committer. */
  readonly commit: (items: readonly NewNotification[]) => Promise<readonly NotificationCommitOutcome[]>;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly pollIntervalMs: number;
  readonly batchSize?: number;
}

/**
 * The transactional outbox's relay: turns the notify_outbox rows that runs commit into
 * notifications and deliveries. Rows are read and planned outside a transaction, then committed
 * with the notifications, which mark them dispatched in the same transaction. Two
 * processes relaying the same row is harmless: the notification's idempotency key
 * (`run:<run id>:<step>`) lets only one of them create deliveries. Woken by this process's run
 * executor after a commit with notifications; polls as a fallback.
 */
export class NotifyOutboxRelay {
  readonly #options: NotifyOutboxRelayOptions;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #again = false;
  #stopped = true;

  constructor(options: NotifyOutboxRelayOptions) {
    this.#options = options;
  }

  start(): void {
    this.#stopped = false;
    this.#timer = setInterval(() => this.wake(), this.#options.pollIntervalMs);
    this.#timer.unref();
    this.wake();
  }

  /** Relays pending rows now (or right after the batch in progress). */
  wake(): void {
    if (this.#stopped) return;
    if (this.#running !== undefined) {
      this.#again = true;
      return;
    }
    this.#running = this.#drain()
      .catch((thrown: unknown) => this.#options.logger.error({ err: coerceError(thrown) }, 'could not relay notifications from the outbox; retrying on the next poll'))
      .finally(() => {
        this.#running = undefined;
        if (this.#again) {
          this.#again = false;
          this.wake();
        }
      });
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#timer);
    await this.#running;
  }

  async #drain(): Promise<void> {
    const limit = this.#options.batchSize ?? 100;
    for (;;) {
      const { db, logger } = this.#options;
      const rows = await listPendingOutbox(db, limit);
      if (rows.length === 0) return;
      const nowMs = this.#options.clock.nowMs();
      const items: NewNotification[] = [];
      for (const row of rows) {
        const request = notificationRequestFrom(row.id, row.run_id, row.step_name, row.request);
        if (request === undefined) {
          logger.error({ outbox_id: row.id, run_id: row.run_id }, 'notify_outbox row is not a notification request; marking it dispatched without notifying');
          items.push({ notification: emptyNotification(row.id, runNotificationKey(row.run_id, row.step_name), row.run_id, nowMs), deliveries: [], jobs: [], outboxId: row.id });
          continue;
        }
        const prepared = await prepareNotification(this.#options.prepare, request, nowMs);
        items.push({ ...prepared.item, outboxId: row.id });
      }
      await this.#options.commit(items);
      if (rows.length < limit || this.#stopped) return;
    }
  }
}

/** The outbox row as a notification request; the notification takes the row's id, which the step's output reports. */
function notificationRequestFrom(id: string, runId: string, stepName: string, text: string): NotificationRequest | undefined {
  let parsed: OutboxRequest;
  try {
    parsed = JSON.parse(text) as OutboxRequest;
  } catch {
    return undefined;
  }
  if (!Array.isArray(parsed.user_ids) || typeof parsed.body !== 'string') return undefined;
  const channels = parsed.channels?.map(parseIntegrationType).filter((type): type is IntegrationType => type !== undefined);
  return {
    userIds: parsed.user_ids,
    subject: parsed.subject,
    body: parsed.body,
    data: parsed.data,
    channels,
    strategy: parsed.strategy === 'first_success' ? 'first_success' : 'all',
    idempotencyKey: runNotificationKey(runId, stepName),
    origin: 'run',
    runId,
    notificationId: id,
  };
}

/** A notification row with no recipients, recording that an unreadable outbox row was consumed. */
function emptyNotification(id: string, key: string, runId: string, nowMs: number): NewNotification['notification'] {
  return { id, idempotency_key: key, origin: 'run', run_id: runId, user_ids: '[]', subject: null, body: '', data: null, channels: null, strategy: 'all', plan: '{}', created_at: nowMs };
}
