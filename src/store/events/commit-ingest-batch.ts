import { sql, type Kysely } from 'kysely';
import type { Database, Db, EventsTable, WebhookRequestLogsTable } from '../database.js';
import { insertRunStarts } from '../runs/insert-run-starts.js';
import type { RunStartRows } from '../runs/run-start-rows.js';
import { commitWithItemFallback } from './commit-with-item-fallback.js';

/** One request's write: an event to append (absent for rejected requests) and its request-log row. */
export interface IngestItem {
  readonly event: EventsTable | null;
  /** For event items, `outcome`, `status_code` and `event_id` are filled in here once the event's fate is known. */
  readonly log: WebhookRequestLogsTable;
  /**
   * The runs the event starts (one per matched route), written in the same transaction when the
   * event is new; none for a duplicate. An event item without runs is committed as unrouted.
   */
  readonly runs?: readonly RunStartRows[];
}

export type IngestResult =
  | { readonly outcome: 'accepted'; readonly eventId: string }
  | { readonly outcome: 'duplicate'; readonly eventId: string }
  | { readonly outcome: 'logged' };

/** Rows per multi-row INSERT; keeps every statement far below SQLite's and PostgreSQL's parameter limits. */
const ROWS_PER_STATEMENT = 200;

/**
 * Counter shards per (endpoint, outcome, reason). Every batch of one endpoint adds to its counters;
 * with one counter row, concurrent PostgreSQL batches would queue on its row lock until each
 * other's commit, serializing group commit. A random shard per batch lets them proceed together.
 */
export const STAT_SHARDS = 16;

/**
 * Appends a batch of events and request-log rows in ONE transaction: a repeated idempotency key
 * (already stored, or earlier in the same batch) resolves to the original event and stores nothing
 * new. When the batch as a whole fails, each item is retried in its own transaction so one bad row
 * cannot fail the others: an item whose retry fails gets its Error in place of a result.
 */
export async function commitIngestBatch(
  db: Kysely<Database>,
  items: readonly IngestItem[],
  shard: number = Math.floor(Math.random() * STAT_SHARDS),
): Promise<Array<IngestResult | Error>> {
  return commitWithItemFallback(items, (batch) => db.transaction().execute((trx) => writeItems(trx, batch, shard)));
}

async function writeItems(trx: Db, items: readonly IngestItem[], shard: number): Promise<IngestResult[]> {
  const results: IngestResult[] = new Array(items.length);
  const firstIndexByKey = new Map<string, number>();
  const sameAs = new Map<number, number>();
  const toInsert: Array<{ readonly lockKey: string; readonly event: EventsTable & { routed: number } }> = [];
  items.forEach((item, index) => {
    const event = item.event;
    if (event === null) return;
    if (event.idempotency_key !== null) {
      const key = `${event.source}\u0000${event.idempotency_key}`;
      const first = firstIndexByKey.get(key);
      if (first !== undefined) {
        sameAs.set(index, first);
        return;
      }
      firstIndexByKey.set(key, index);
    }
    toInsert.push({ lockKey: `${event.source}\u0000${event.idempotency_key ?? ''}`, event: { ...event, routed: (item.runs?.length ?? 0) > 0 ? 1 : 0 } });
  });
  // Concurrent batches (PostgreSQL) take unique-index locks in row order: sorting gives every batch
  // the same order, so two batches holding the same keys in opposite orders cannot deadlock.
  const events = toInsert.sort((a, b) => compareStrings(a.lockKey, b.lockKey)).map((entry) => entry.event);

  const insertedIds = new Set<string>();
  for (let start = 0; start < events.length; start += ROWS_PER_STATEMENT) {
    const rows = await trx
      .insertInto('events')
      .values(events.slice(start, start + ROWS_PER_STATEMENT))
      .onConflict((oc) => oc.columns(['source', 'idempotency_key']).doNothing())
      .returning('id')
      .execute();
    for (const row of rows) insertedIds.add(row.id);
  }

  for (let index = 0; index < items.length; index += 1) {
    const event = items[index]?.event ?? null;
    if (event === null || sameAs.has(index)) continue;
    if (insertedIds.has(event.id)) {
      results[index] = { outcome: 'accepted', eventId: event.id };
      await insertRunStarts(trx, items[index]?.runs ?? []);
      continue;
    }
    const original = await trx
      .selectFrom('events')
      .select('id')
      .where('source', '=', event.source)
      .where('idempotency_key', '=', event.idempotency_key)
      .executeTakeFirstOrThrow();
    results[index] = { outcome: 'duplicate', eventId: original.id };
  }
  for (const [index, first] of sameAs) {
    const original = results[first] as { eventId: string };
    results[index] = { outcome: 'duplicate', eventId: original.eventId };
  }

  const logs = items.map((item, index): WebhookRequestLogsTable => {
    const result = results[index];
    if (item.event === null || result === undefined || result.outcome === 'logged') {
      results[index] = { outcome: 'logged' };
      return item.log;
    }
    const accepted = result.outcome === 'accepted';
    return { ...item.log, outcome: result.outcome, status_code: accepted ? 202 : 200, event_id: result.eventId };
  });
  for (let start = 0; start < logs.length; start += ROWS_PER_STATEMENT) {
    await trx.insertInto('webhook_request_logs').values(logs.slice(start, start + ROWS_PER_STATEMENT)).execute();
  }
  await addStats(trx, logs, shard);
  return results;
}

async function addStats(trx: Db, logs: readonly WebhookRequestLogsTable[], shard: number): Promise<void> {
  const counts = new Map<string, { endpoint_id: string; outcome: string; reason: string; shard: number; count: number; last_at: number }>();
  for (const log of logs) {
    const reason = log.reason ?? '';
    const key = `${log.endpoint_id}\u0000${log.outcome}\u0000${reason}`;
    const entry = counts.get(key);
    if (entry === undefined) counts.set(key, { endpoint_id: log.endpoint_id, outcome: log.outcome, reason, shard, count: 1, last_at: log.received_at });
    else {
      entry.count += 1;
      entry.last_at = Math.max(entry.last_at, log.received_at);
    }
  }
  if (counts.size === 0) return;
  // Every batch updates the counter rows in one order (see the events insert), so none deadlock.
  const rows = [...counts].sort(([a], [b]) => compareStrings(a, b)).map(([, row]) => row);
  await trx
    .insertInto('webhook_endpoint_stats')
    .values(rows)
    .onConflict((oc) =>
      oc.columns(['endpoint_id', 'outcome', 'reason', 'shard']).doUpdateSet({
        count: sql`webhook_endpoint_stats.count + excluded.count`,
        last_at: sql`case when excluded.last_at > webhook_endpoint_stats.last_at then excluded.last_at else webhook_endpoint_stats.last_at end`,
      }),
    )
    .execute();
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
