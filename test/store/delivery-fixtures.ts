import { sql, type Insertable, type Selectable } from 'kysely';
import { deliveryJob, newDeliveryRow } from '../../src/delivery/notifications/prepare-notification.js';
import type { IntegrationType } from '../../src/delivery/integration-type.js';
import type { Database, Db, DeliveryLogsTable, NotificationsTable, NotifyOutboxTable, UserIntegrationConfigsTable } from '../../src/store/database.js';
import type { NewNotification } from '../../src/store/notifications/commit-notifications.js';
import type { Store } from '../../src/store/store.js';
import { BASE_MS } from './ingest-fixtures.js';

/** Deliveries made now expire this long after creation. */
export const EXPIRE_AFTER_MS = 86_400_000;

/**
 * The id `newId` makes at `BASE_MS + offsetMs`, with fixed instead of random bits, so a test can
 * name the same id twice: ids at later offsets sort after earlier ones; `tag` tells apart ids of one offset.
 */
export function idAt(offsetMs: number, tag = 0): string {
  const time = (BASE_MS + offsetMs).toString(16).padStart(12, '0');
  return `${time.slice(0, 8)}-${time.slice(8, 12)}-7000-8000-${tag.toString(16).padStart(12, '0')}`;
}

/** A notification row as `prepareNotification` would build it. */
export function notificationRow(id: string, overrides: Partial<Selectable<NotificationsTable>> = {}): Selectable<NotificationsTable> {
  return {
    id,
    idempotency_key: null,
    origin: 'api',
    run_id: null,
    user_ids: JSON.stringify(['u1']),
    subject: 'Disk almost full',
    body: 'db-1 is at 91%',
    data: JSON.stringify({ host: 'db-1' }),
    channels: null,
    strategy: 'all',
    plan: JSON.stringify({ u1: ['EMAIL'] }),
    created_at: BASE_MS,
    ...overrides,
  };
}

/** A delivery row, PENDING and due at `created_at` unless overridden. */
export function deliveryRow(
  deliveryId: string,
  notificationId: string,
  overrides: Partial<Selectable<DeliveryLogsTable>> = {},
): Selectable<DeliveryLogsTable> {
  const createdAt = overrides.created_at ?? BASE_MS;
  const row = newDeliveryRow({
    deliveryId,
    notificationId,
    userId: 'u1',
    type: 'EMAIL',
    sequence: 0,
    nowMs: createdAt,
    expiresAtMs: createdAt + EXPIRE_AFTER_MS,
  });
  return { ...(row as Selectable<DeliveryLogsTable>), ...overrides };
}

/**
 * A notification (its id from `idAt`) ready for `commitNotifications`: one PENDING delivery per
 * channel for `userId`, in order, each with its deliveries-queue job.
 */
export function newNotification(args: {
  readonly id: string;
  readonly key?: string | null | undefined;
  readonly channels?: readonly IntegrationType[];
  readonly userId?: string;
  readonly nowMs?: number;
  readonly outboxId?: string;
}): NewNotification {
  const nowMs = args.nowMs ?? BASE_MS;
  const userId = args.userId ?? 'u1';
  const channels = args.channels ?? ['EMAIL'];
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-7000-8000-[0-9a-f]{12}$/.test(args.id)) throw new Error(`not an idAt() id: ${args.id}`);
  // The notification's id with tags 0x100 + sequence: unique per notification, sorting with it.
  const deliveries = channels.map((type, sequence) =>
    newDeliveryRow({
      deliveryId: `${args.id.slice(0, 24)}${(0x100 + sequence).toString(16).padStart(12, '0')}`,
      notificationId: args.id,
      userId,
      type,
      sequence,
      nowMs,
      expiresAtMs: nowMs + EXPIRE_AFTER_MS,
    }),
  );
  return {
    notification: notificationRow(args.id, {
      idempotency_key: args.key ?? null,
      user_ids: JSON.stringify([userId]),
      plan: JSON.stringify({ [userId]: channels }),
      created_at: nowMs,
    }),
    deliveries,
    jobs: deliveries.map((row) => deliveryJob(row.delivery_id, nowMs)),
    ...(args.outboxId === undefined ? {} : { outboxId: args.outboxId }),
  };
}

export function outboxRow(id: string, overrides: Partial<NotifyOutboxTable> = {}): NotifyOutboxTable {
  return {
    id,
    run_id: `run-${id}`,
    step_name: 'notify',
    request: JSON.stringify({ userIds: ['u1'], body: 'hello' }),
    status: 'pending',
    created_at: BASE_MS,
    ...overrides,
  };
}

export function overrideRow(id: string, userId: string, integrationType: string, overrides: Partial<Insertable<UserIntegrationConfigsTable>> = {}): Selectable<UserIntegrationConfigsTable> {
  return {
    id,
    user_id: userId,
    integration_type: integrationType,
    enabled: 1,
    priority: 2,
    retry_count: 5,
    retry_delay_seconds: 30,
    config: JSON.stringify({ channel: '#ops' }),
    secrets: 'ciphertext-1',
    created_at: BASE_MS,
    updated_at: BASE_MS,
    ...overrides,
  } as Selectable<UserIntegrationConfigsTable>;
}

/** How many rows a table holds, as a number on both dialects. */
export async function countRows(db: Db, table: keyof Database): Promise<number> {
  const row = await db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Every job, each a deliveries-queue job (else this throws), by delivery id. */
export async function deliveryJobs(db: Db): Promise<Array<{ readonly delivery_id: string; readonly status: string; readonly run_at: number; readonly max_attempts: number }>> {
  const rows = await db.selectFrom('jobs').select(['payload', 'status', 'run_at', 'max_attempts', 'queue', 'id']).execute();
  const jobs = rows.map((row) => {
    if (row.queue !== 'deliveries') throw new Error(`unexpected job in queue ${row.queue}`);
    return { delivery_id: (JSON.parse(row.payload) as { delivery_id: string }).delivery_id, status: row.status, run_at: row.run_at, max_attempts: row.max_attempts };
  });
  return jobs.sort((a, b) => (a.delivery_id < b.delivery_id ? -1 : a.delivery_id > b.delivery_id ? 1 : 0));
}

/** PostgreSQL: the backend a transaction runs on, to watch its lock waits; SQLite: undefined. */
export async function backendPid(store: Store, trx: Db): Promise<number | undefined> {
  if (store.dialect !== 'postgres') return undefined;
  const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(trx);
  return rows[0]?.pid;
}

/**
 * PostgreSQL: waits until `count` of these backends wait on a lock. SQLite: a moment, its
 * transactions queue on its one connection.
 */
export async function waitUntilWaiting(store: Store, pids: readonly number[], count: number): Promise<void> {
  if (store.dialect !== 'postgres') return new Promise((resolve) => setTimeout(resolve, 50));
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (pids.length >= count) {
      const { rows } = await sql<{ n: number }>`select count(*)::int as n from unnest(${[...pids]}::int[]) as p(pid) where cardinality(pg_blocking_pids(p.pid)) > 0`.execute(store.db);
      if ((rows[0]?.n ?? 0) >= count) return;
    }
    if (Date.now() > deadline) throw new Error(`fewer than ${count} of the transactions waited on a lock`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Runs `body` in a transaction that stays open until `release` is called; resolves once `body` is done. */
export async function holdTransaction(store: Store, body: (trx: Db) => Promise<unknown>): Promise<{ release(): Promise<void> }> {
  let release = () => {};
  const released = new Promise<void>((resolve) => (release = resolve));
  let reportHeld = () => {};
  const holding = new Promise<void>((resolve) => (reportHeld = resolve));
  const held = store.db.transaction().execute(async (trx) => {
    await body(trx);
    reportHeld();
    await released;
  });
  await Promise.race([holding, held]);
  return {
    async release() {
      release();
      await held;
    },
  };
}
