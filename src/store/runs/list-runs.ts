import type { Selectable } from 'kysely';
import type { Db, RunStatus, RunsTable } from '../database.js';

export interface ListRunsFilter {
  readonly eventId?: string | undefined;
  readonly routeId?: string | undefined;
  readonly status?: RunStatus | undefined;
  /** Return only runs with ids below this one (the previous page's last id). */
  readonly beforeId?: string | undefined;
  readonly limit: number;
}

/** Runs newest first (ids are time-ordered UUIDv7), one page at a time; every filter narrows. */
export async function listRuns(db: Db, filter: ListRunsFilter): Promise<Selectable<RunsTable>[]> {
  let query = db.selectFrom('runs').selectAll();
  if (filter.eventId !== undefined) query = query.where('event_id', '=', filter.eventId);
  if (filter.routeId !== undefined) query = query.where('route_id', '=', filter.routeId);
  if (filter.status !== undefined) query = query.where('status', '=', filter.status);
  if (filter.beforeId !== undefined) query = query.where('id', '<', filter.beforeId);
  return query.orderBy('id', 'desc').limit(filter.limit).execute();
}
