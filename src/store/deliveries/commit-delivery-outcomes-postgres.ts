import { sql, type Kysely } from 'kysely';
import { newId } from '../../core/new-id.js';
import type { Database } from '../database.js';
import { commitWithItemFallback } from '../events/commit-with-item-fallback.js';
import type { DeliveryCommitResult, DeliveryOutcome } from './commit-delivery-outcomes.js';

/**
 * commitDeliveryOutcomes for a batch on PostgreSQL as ONE statement: data-modifying CTEs over
 * `unnest`ed arrays settle the jobs under their claims, change the deliveries whose claim held
 * (and whose attempts are as read), and write those deliveries' attempt rows, failover deliveries
 * with their jobs, and disabled overrides. Same semantics per item as commitDeliveryOutcomes; a
 * batch costs one round trip instead of three or more statements per delivery (the pg client's
 * per-query CPU bounded the dispatcher on the delivery benchmark). A failing batch is retried item
 * by item, so one bad row fails only its own delivery.
 */
export function commitDeliveryOutcomesPostgres(db: Kysely<Database>, items: readonly DeliveryOutcome[]): Promise<Array<DeliveryCommitResult | Error>> {
  return commitWithItemFallback(items, (batch) => writeBatch(db, batch));
}

async function writeBatch(db: Kysely<Database>, items: readonly DeliveryOutcome[]): Promise<DeliveryCommitResult[]> {
  const u = <T>(pick: (item: DeliveryOutcome) => T): T[] => items.map(pick);
  const attempts = items.flatMap((item) => (item.attempt === undefined ? [] : [{ ...item.attempt, parent: item.deliveryId }]));
  const a = <K extends keyof (typeof attempts)[number]>(key: K) => attempts.map((row) => row[key]);
  const failovers = items.flatMap((item) => (item.failover === undefined ? [] : [{ ...item.failover, parent: item.deliveryId }]));
  const f = <T>(pick: (row: (typeof failovers)[number]) => T): T[] => failovers.map(pick);
  // One upsert per (user, type), in that order: ON CONFLICT DO UPDATE may touch a row once per statement, and a fixed order avoids deadlocks.
  const disables = [
    ...new Map(
      items
        .filter((item) => item.disableOverride !== undefined)
        .map((item) => [`${item.disableOverride?.userId}\u0000${item.disableOverride?.integrationType}`, { ...(item.disableOverride as NonNullable<DeliveryOutcome['disableOverride']>), parent: item.deliveryId, now: item.nowMs }]),
    ).entries(),
  ]
    .sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))
    .map(([, row]) => row);
  const x = <K extends keyof (typeof disables)[number]>(key: K) => disables.map((row) => row[key]);

  const { rows } = await sql<{ held: boolean; changed: boolean }>`
    with u as (
      select * from unnest(
        ${u((i) => i.claim.id)}::text[], ${u((i) => i.claim.workerId)}::text[], ${u((i) => i.claim.attempt)}::integer[],
        ${u((i) => (i.job.outcome === 'completed' ? 'succeeded' : 'pending'))}::text[], ${u((i) => (i.job.outcome === 'retry' ? i.job.runAtMs : null))}::bigint[],
        ${u((i) => (i.job.outcome === 'retry' ? JSON.stringify(i.job.error) : null))}::text[], ${u((i) => (i.job.outcome === 'retry' ? i.job.error.code : null))}::text[],
        ${u((i) => i.nowMs)}::bigint[], ${u((i) => i.deliveryId)}::text[], ${u((i) => i.expectedAttempts)}::integer[],
        ${u((i) => i.change.status)}::text[], ${u((i) => i.change.attempts)}::integer[], ${u((i) => i.change.next_attempt_at)}::bigint[],
        ${u((i) => i.change.last_status_code)}::integer[], ${u((i) => i.change.error_code)}::text[], ${u((i) => i.change.error_message)}::text[],
        ${u((i) => i.change.provider_message_id)}::text[], ${u((i) => i.change.progress)}::text[], ${u((i) => i.change.finished_at)}::bigint[],
        ${u((i) => i.change.updated_at)}::bigint[]
      ) with ordinality as u (job_id, worker, attempt, job_status, run_at, job_error, job_code, now, delivery_id, expected, status, attempts,
        next_attempt_at, last_status_code, error_code, error_message, provider_message_id, progress, finished_at, updated_at, position)
    ),
    settled as (
      update jobs j set
        status = u.job_status, run_at = coalesce(u.run_at, j.run_at),
        finished_at = case when u.job_status = 'succeeded' then u.now else null end,
        last_error = coalesce(u.job_error, j.last_error), last_error_code = coalesce(u.job_code, j.last_error_code),
        locked_by = null, locked_until = null, updated_at = u.now
      from u
      where j.id = u.job_id and j.status = 'running' and j.locked_by = u.worker and j.attempts = u.attempt
      returning j.id
    ),
    changed as (
      update delivery_logs d set
        status = u.status, attempts = u.attempts, next_attempt_at = u.next_attempt_at, last_status_code = u.last_status_code,
        error_code = u.error_code, error_message = u.error_message, provider_message_id = u.provider_message_id, progress = u.progress,
        finished_at = u.finished_at, updated_at = u.updated_at
      from u
      where u.job_id in (select id from settled) and d.delivery_id = u.delivery_id and d.attempts = u.expected and d.status in ('PENDING', 'RETRYING')
      returning d.delivery_id
    ),
    attempts_written as (
      insert into delivery_attempts (delivery_id, attempt, started_at, latency_ms, outcome, status_code, error_code, error_message, provider_message_id)
      select a.delivery_id, a.attempt, a.started_at, a.latency_ms, a.outcome, a.status_code, a.error_code, a.error_message, a.provider_message_id
      from unnest(
        ${a('delivery_id')}::text[], ${a('attempt')}::integer[], ${a('started_at')}::bigint[], ${a('latency_ms')}::integer[], ${a('outcome')}::text[],
        ${a('status_code')}::integer[], ${a('error_code')}::text[], ${a('error_message')}::text[], ${a('provider_message_id')}::text[]
      ) as a (delivery_id, attempt, started_at, latency_ms, outcome, status_code, error_code, error_message, provider_message_id)
      where a.delivery_id in (select delivery_id from changed)
      on conflict (delivery_id, attempt) do nothing
    ),
    fo as (
      select * from unnest(
        ${f((r) => r.parent)}::text[], ${f((r) => r.delivery.delivery_id)}::text[], ${f((r) => r.delivery.notification_id)}::text[],
        ${f((r) => r.delivery.user_id)}::text[], ${f((r) => r.delivery.integration_type)}::text[], ${f((r) => r.delivery.sequence)}::integer[],
        ${f((r) => r.delivery.next_attempt_at ?? null)}::bigint[], ${f((r) => r.delivery.created_at)}::bigint[], ${f((r) => r.delivery.expires_at)}::bigint[],
        ${f((r) => r.job.queue)}::text[], ${f((r) => JSON.stringify(r.job.payload ?? null))}::text[], ${f((r) => r.job.maxAttempts)}::integer[],
        ${f((r) => r.job.runAtMs ?? r.delivery.created_at)}::bigint[], ${f((r) => newId(r.delivery.created_at))}::text[]
      ) as fo (parent, delivery_id, notification_id, user_id, integration_type, sequence, next_attempt_at, created_at, expires_at, queue, payload, max_attempts, run_at, job_id)
      where fo.parent in (select delivery_id from changed)
    ),
    fo_deliveries as (
      insert into delivery_logs (delivery_id, notification_id, user_id, integration_type, status, sequence, attempts, retry_base, next_attempt_at, last_status_code,
        error_code, error_message, provider_message_id, progress, created_at, updated_at, finished_at, expires_at)
      select delivery_id, notification_id, user_id, integration_type, 'PENDING', sequence, 0, 0, next_attempt_at, null, null, null, null, null, created_at, created_at, null, expires_at
      from fo
      on conflict (notification_id, user_id, sequence) do nothing
      returning delivery_id
    ),
    fo_jobs as (
      insert into jobs (id, queue, payload, status, attempts, max_attempts, run_at, locked_by, locked_until, last_error, last_error_code, dedupe_key, created_at, updated_at, finished_at)
      select job_id, queue, payload, 'pending', 0, max_attempts, run_at, null, null, null, null, null, created_at, created_at, null
      from fo where fo.delivery_id in (select delivery_id from fo_deliveries)
    ),
    disabled as (
      insert into user_integration_configs (id, user_id, integration_type, enabled, priority, retry_count, retry_delay_seconds, config, secrets, created_at, updated_at)
      select x.id, x.user_id, x.integration_type, 0, null, null, null, '{}', null, x.now, x.now
      from unnest(${x('parent')}::text[], ${x('id')}::text[], ${x('userId')}::text[], ${x('integrationType')}::text[], ${x('now')}::bigint[]) as x (parent, id, user_id, integration_type, now)
      where x.parent in (select delivery_id from changed)
      on conflict (user_id, integration_type) do update set enabled = 0, updated_at = excluded.updated_at
    )
    select (u.job_id in (select id from settled)) as held, (u.delivery_id in (select delivery_id from changed)) as changed
    from u order by u.position`.execute(db);

  return rows.map((row): DeliveryCommitResult => (!row.held ? 'lost_claim' : row.changed ? 'committed' : 'stale'));
}
