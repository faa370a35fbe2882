import type { Selectable } from 'kysely';
import type { Db, EventsRoutingColumn, EventsTable } from '../database.js';

export interface ListEventsFilter {
  readonly source?: string | undefined;
  readonly type?: string | undefined;
  /** Only events that started runs (true) or that no route matched (false). */
  readonly routed?: boolean | undefined;
  /** Inclusive lower bound on received time (epoch ms). */
  readonly sinceMs?: number | undefined;
  /** Exclusive upper bound on received time (epoch ms). */
  readonly untilMs?: number | undefined;
  /** Return only events with ids below this one (the previous page's last id). */
  readonly beforeId?: string | undefined;
  readonly limit: number;
}

/** Events newest first (ids are time-ordered UUIDv7), one page at a time. */
export async function listEvents(db: Db, filter: ListEventsFilter): Promise<Selectable<EventsTable & EventsRoutingColumn>[]> {
  let query = db.selectFrom('events').selectAll();
  if (filter.source !== undefined) query = query.where('source', '=', filter.source);
  if (filter.type !== undefined) query = query.where('type', '=', filter.type);
  if (filter.routed !== undefined) query = query.where('routed', '=', filter.routed ? 1 : 0);
  if (filter.sinceMs !== undefined) query = query.where('received_at', '>=', filter.sinceMs);
  if (filter.untilMs !== undefined) query = query.where('received_at', '<', filter.untilMs);
  if (filter.beforeId !== undefined) query = query.where('id', '<', filter.beforeId);
  return query.orderBy('id', 'desc').limit(filter.limit).execute();
}
