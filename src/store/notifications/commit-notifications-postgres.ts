import { sql, type Kysely } from 'kysely';
import { newId } from '../../core/new-id.js';
import type { Database } from '../database.js';
import { commitWithItemFallback } from '../events/commit-with-item-fallback.js';
import { compareIdempotencyKeys, notificationOutcomes, type NewNotification, type NotificationCommitOutcome } from './commit-notifications.js';

/**
 * commitNotifications for a batch on PostgreSQL as ONE statement: data-modifying CTEs over
 * `unnest`ed arrays insert the notifications (keys in order, ON CONFLICT DO NOTHING), the
 * deliveries and jobs of those inserted, and mark their outbox rows dispatched. Only a batch with a
 * duplicate key reads more, to report the originals. Same semantics as commitNotifications.
 */
export function commitNotificationsPostgres(db: Kysely<Database>, items: readonly NewNotification[], nowMs: number): Promise<Array<NotificationCommitOutcome | Error>> {
  return commitWithItemFallback(items, (batch) => writeBatch(db, batch, nowMs));
}

async function writeBatch(db: Kysely<Database>, items: readonly NewNotification[], nowMs: number): Promise<NotificationCommitOutcome[]> {
  const notes = items.map((item) => item.notification).sort((a, b) => compareIdempotencyKeys(a.idempotency_key ?? null, b.idempotency_key ?? null));
  const n = <K extends keyof (typeof notes)[number]>(key: K) => notes.map((row) => row[key] ?? null);
  const deliveries = items.flatMap((item) => item.deliveries);
  const d = <K extends keyof (typeof deliveries)[number]>(key: K) => deliveries.map((row) => row[key] ?? null);
  const jobs = items.flatMap((item) => item.jobs.map((job) => ({ ...job, notification_id: item.notification.id })));
  const j = <T>(pick: (job: (typeof jobs)[number]) => T): T[] => jobs.map(pick);
  const outboxIds = items.map((item) => item.outboxId).filter((id): id is string => id !== undefined);

  const { rows } = await sql<{ id: string }>`
    with n as (
      select * from unnest(
        ${n('id')}::text[], ${n('idempotency_key')}::text[], ${n('origin')}::text[], ${n('run_id')}::text[], ${n('user_ids')}::text[], ${n('subject')}::text[],
        ${n('body')}::text[], ${n('data')}::text[], ${n('channels')}::text[], ${n('strategy')}::text[], ${n('plan')}::text[], ${n('created_at')}::bigint[]
      ) with ordinality as n (id, idempotency_key, origin, run_id, user_ids, subject, body, data, channels, strategy, plan, created_at, position)
    ),
    ins as (
      insert into notifications (id, idempotency_key, origin, run_id, user_ids, subject, body, data, channels, strategy, plan, created_at)
      select id, idempotency_key, origin, run_id, user_ids, subject, body, data, channels, strategy, plan, created_at from n order by n.position
      on conflict do nothing
      returning id
    ),
    d_ins as (
      insert into delivery_logs (delivery_id, notification_id, user_id, integration_type, status, sequence, attempts, retry_base, next_attempt_at, last_status_code,
        error_code, error_message, provider_message_id, progress, created_at, updated_at, finished_at, expires_at)
      select * from unnest(
        ${d('delivery_id')}::text[], ${d('notification_id')}::text[], ${d('user_id')}::text[], ${d('integration_type')}::text[], ${d('status')}::text[],
        ${d('sequence')}::integer[], ${d('attempts')}::integer[], ${d('retry_base')}::integer[], ${d('next_attempt_at')}::bigint[], ${d('last_status_code')}::integer[],
        ${d('error_code')}::text[], ${d('error_message')}::text[], ${d('provider_message_id')}::text[], ${d('progress')}::text[], ${d('created_at')}::bigint[],
        ${d('updated_at')}::bigint[], ${d('finished_at')}::bigint[], ${d('expires_at')}::bigint[]
      ) as d (delivery_id, notification_id, user_id, integration_type, status, sequence, attempts, retry_base, next_attempt_at, last_status_code,
        error_code, error_message, provider_message_id, progress, created_at, updated_at, finished_at, expires_at)
      where d.notification_id in (select id from ins)
    ),
    j_ins as (
      insert into jobs (id, queue, payload, status, attempts, max_attempts, run_at, locked_by, locked_until, last_error, last_error_code, dedupe_key, created_at, updated_at, finished_at)
      select j.id, j.queue, j.payload, 'pending', 0, j.max_attempts, j.run_at, null, null, null, null, null, ${nowMs}::bigint, ${nowMs}::bigint, null
      from unnest(
        ${j(() => newId(nowMs))}::text[], ${j((job) => job.queue)}::text[], ${j((job) => JSON.stringify(job.payload ?? null))}::text[],
        ${j((job) => job.maxAttempts)}::integer[], ${j((job) => job.runAtMs ?? nowMs)}::bigint[], ${j((job) => job.notification_id)}::text[]
      ) as j (id, queue, payload, max_attempts, run_at, notification_id)
      where j.notification_id in (select id from ins)
    ),
    dispatched as (update notify_outbox set status = 'dispatched' where id = any(${outboxIds}::text[]))
    select id from ins`.execute(db);

  // A duplicate's original committed earlier, or in this same statement (its rows are visible now, after it).
  return notificationOutcomes(db, items, new Set(rows.map((row) => row.id)));
}
