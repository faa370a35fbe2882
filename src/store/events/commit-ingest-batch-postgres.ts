import { sql, type Kysely } from 'kysely';
import type { Database, EventsTable } from '../database.js';
import type { RunStartRows } from '../runs/run-start-rows.js';
import { commitWithItemFallback } from './commit-with-item-fallback.js';
import { STAT_SHARDS, type IngestItem, type IngestResult } from './commit-ingest-batch.js';

/**
 * commitIngestBatch for PostgreSQL, with the same semantics, as ONE statement: the events, their
 * request-log rows and the counters are written by data-modifying CTEs over `unnest`ed array
 * parameters, so a batch costs one round trip and one short statement to parse, whatever its size.
 * (Written by hand because the portable path — BEGIN, three multi-row INSERTs, COMMIT — profiled at
 * about 100 µs of the event loop per webhook in the pg driver, more than receiving it.)
 */
export async function commitIngestBatchPostgres(
  db: Kysely<Database>,
  items: readonly IngestItem[],
  shard: number = Math.floor(Math.random() * STAT_SHARDS),
): Promise<Array<IngestResult | Error>> {
  return commitWithItemFallback(items, (batch) => writeBatch(db, batch, shard));
}

async function writeBatch(db: Kysely<Database>, items: readonly IngestItem[], shard: number): Promise<IngestResult[]> {
  // A key repeated inside the batch is inserted once; later items are duplicates of the first.
  const firstEventIdByKey = new Map<string, string>();
  const events: Array<{ readonly lockKey: string; readonly event: EventsTable & { routed: number } }> = [];
  const starts: RunStartRows[] = [];
  const logs = items.map((item) => {
    const event = item.event;
    let inBatchDuplicateOf: string | undefined;
    if (event !== null) {
      const lockKey = `${event.source}\u0000${event.idempotency_key ?? ''}`;
      if (event.idempotency_key !== null) inBatchDuplicateOf = firstEventIdByKey.get(lockKey);
      if (inBatchDuplicateOf === undefined) {
        if (event.idempotency_key !== null) firstEventIdByKey.set(lockKey, event.id);
        const runs = item.runs ?? [];
        events.push({ lockKey, event: { ...event, routed: runs.length > 0 ? 1 : 0 } });
        starts.push(...runs);
      }
    }
    return { ...item.log, ev_id: inBatchDuplicateOf ?? event?.id ?? null, ev_source: event?.source ?? null, ev_key: event?.idempotency_key ?? null, dup: inBatchDuplicateOf !== undefined };
  });
  // Concurrent batches take unique-index locks in row order: one global order means no deadlocks.
  events.sort((a, b) => (a.lockKey < b.lockKey ? -1 : a.lockKey > b.lockKey ? 1 : 0));
  const ev = <K extends keyof EventsTable | 'routed'>(key: K) => events.map((entry) => entry.event[key]);
  const rn = <K extends keyof RunStartRows['run']>(key: K) => starts.map((start) => start.run[key]);
  const jb = <K extends keyof RunStartRows['job']>(key: K) => starts.map((start) => start.job[key]);
  const lg = <K extends keyof (typeof logs)[number]>(key: K) => logs.map((log) => log[key]);

  const { rows } = await sql<{ id: string; outcome: string; event_id: string | null }>`
    with ev as (
      select * from unnest(
        ${ev('id')}::text[], ${ev('source')}::text[], ${ev('type')}::text[], ${ev('subject')}::text[], ${ev('time')}::text[],
        ${ev('received_at')}::bigint[], ${ev('datacontenttype')}::text[], ${ev('data')}::text[], ${ev('data_base64')}::text[],
        ${ev('extensions')}::text[], ${ev('idempotency_key')}::text[], ${ev('routed')}::integer[]
      ) with ordinality as e (id, source, type, subject, time, received_at, datacontenttype, data, data_base64, extensions, idempotency_key, routed, position)
    ),
    ins as (
      insert into events (id, source, type, subject, time, received_at, datacontenttype, data, data_base64, extensions, idempotency_key, routed)
      select id, source, type, subject, time, received_at, datacontenttype, data, data_base64, extensions, idempotency_key, routed from ev order by position
      on conflict (source, idempotency_key) do nothing
      returning id
    ),
    rn as (
      select * from unnest(
        ${rn('id')}::text[], ${rn('event_id')}::text[], ${rn('route_id')}::text[], ${rn('plan')}::text[], ${rn('created_at')}::bigint[],
        ${jb('id')}::text[], ${jb('queue')}::text[], ${jb('payload')}::text[], ${jb('max_attempts')}::integer[], ${jb('run_at')}::bigint[]
      ) as r (id, event_id, route_id, plan, created_at, job_id, queue, payload, max_attempts, run_at)
    ),
    -- Runs (and their jobs) only for events this statement inserted: a duplicate starts nothing.
    run_ins as (
      insert into runs (id, event_id, route_id, status, plan, error, created_at, updated_at, finished_at)
      select r.id, r.event_id, r.route_id, 'pending', r.plan, null, r.created_at, r.created_at, null from rn r join ins i on i.id = r.event_id
      returning id
    ),
    job_ins as (
      insert into jobs (id, queue, payload, status, attempts, max_attempts, run_at, locked_by, locked_until, last_error, last_error_code, dedupe_key, created_at, updated_at, finished_at)
      select r.job_id, r.queue, r.payload, 'pending', 0, r.max_attempts, r.run_at, null, null, null, null, r.id, r.created_at, r.created_at, null
      from rn r join run_ins ri on ri.id = r.id
    ),
    lg as (
      select * from unnest(
        ${lg('id')}::text[], ${lg('endpoint_id')}::text[], ${lg('received_at')}::bigint[], ${lg('request_id')}::text[], ${lg('client_ip')}::text[],
        ${lg('method')}::text[], ${lg('path')}::text[], ${lg('outcome')}::text[], ${lg('reason')}::text[], ${lg('status_code')}::integer[],
        ${lg('latency_ms')}::double precision[], ${lg('headers')}::text[], ${lg('ev_id')}::text[], ${lg('ev_source')}::text[],
        ${lg('ev_key')}::text[], ${lg('dup')}::boolean[]
      ) with ordinality as l (id, endpoint_id, received_at, request_id, client_ip, method, path, outcome, reason, status_code, latency_ms, headers, ev_id, ev_source, ev_key, dup, position)
    ),
    resolved as (
      select l.*,
        case when l.ev_id is null then l.outcome when i.id is not null and not l.dup then 'accepted' else 'duplicate' end as final_outcome,
        -- A duplicate of a committed event finds it in this statement's snapshot; one committed by a
        -- concurrent batch after the snapshot is not visible here and is resolved after the statement.
        case when l.ev_id is null then null when i.id is not null then i.id
             else (select e.id from events e where e.source = l.ev_source and e.idempotency_key = l.ev_key) end as final_event_id
      from lg l left join ins i on i.id = l.ev_id
    ),
    logs as (
      insert into webhook_request_logs (id, endpoint_id, received_at, request_id, client_ip, method, path, outcome, reason, status_code, latency_ms, event_id, headers)
      select id, endpoint_id, received_at, request_id, client_ip, method, path, final_outcome, reason,
        case final_outcome when 'accepted' then 202 when 'duplicate' then 200 else status_code end, latency_ms, final_event_id, headers
      from resolved
    ),
    stats as (
      insert into webhook_endpoint_stats (endpoint_id, outcome, reason, shard, count, last_at)
      select endpoint_id, final_outcome, coalesce(reason, ''), ${shard}::integer, count(*), max(received_at)
      from resolved group by endpoint_id, final_outcome, coalesce(reason, '') order by 1, 2, 3
      on conflict (endpoint_id, outcome, reason, shard) do update
        set count = webhook_endpoint_stats.count + excluded.count, last_at = greatest(webhook_endpoint_stats.last_at, excluded.last_at)
    )
    select id, final_outcome as outcome, final_event_id as event_id from resolved order by position`.execute(db);

  const results: IngestResult[] = [];
  for (const [index, row] of rows.entries()) {
    const log = logs[index];
    if (log === undefined || row.id !== log.id) throw new Error('Ingest statement returned rows out of order');
    if (row.outcome === 'accepted') results.push({ outcome: 'accepted', eventId: row.event_id as string });
    else if (row.outcome === 'duplicate') results.push({ outcome: 'duplicate', eventId: row.event_id ?? (await resolveLateDuplicate(db, log.id, log.ev_source, log.ev_key)) });
    else results.push({ outcome: 'logged' });
  }
  return results;
}

/** The original of a duplicate whose original a concurrent batch committed after our snapshot; fixes its log row. */
async function resolveLateDuplicate(db: Kysely<Database>, logId: string, source: string | null, key: string | null): Promise<string> {
  if (source === null || key === null) throw new Error('A duplicate without an idempotency key');
  const original = await db.selectFrom('events').select('id').where('source', '=', source).where('idempotency_key', '=', key).executeTakeFirstOrThrow();
  await db.updateTable('webhook_request_logs').set({ event_id: original.id }).where('id', '=', logId).execute();
  return original.id;
}
