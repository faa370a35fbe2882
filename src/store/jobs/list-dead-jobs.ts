import type { Selectable } from 'kysely';
import type { Db, JobsTable } from '../database.js';
import { deadJobCondition, type DeadJobFilter } from './dead-job-filter.js';

/** Dead letters matching the filter, newest job first, paged by id (pass the last id seen as `beforeId`). */
export async function listDeadJobs(
  db: Db,
  args: DeadJobFilter & { readonly limit: number; readonly beforeId?: string | undefined },
): Promise<Selectable<JobsTable>[]> {
  let query = db
    .selectFrom('jobs')
    .selectAll()
    .where((eb) => deadJobCondition(eb, args));
  if (args.beforeId !== undefined) query = query.where('id', '<', args.beforeId);
  return query.orderBy('id', 'desc').limit(args.limit).execute();
}
