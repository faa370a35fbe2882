import { sql } from 'kysely';
import type { Db } from '../database.js';

export interface EndpointStat {
  readonly endpoint_id: string;
  readonly outcome: string;
  /** '' when the outcome has no reason. */
  readonly reason: string;
  readonly count: number;
  readonly last_at: number;
}

/** The outcome counters of one endpoint: one row per outcome and reason, its shards summed. */
export async function listEndpointStats(db: Db, endpointId: string): Promise<EndpointStat[]> {
  return db
    .selectFrom('webhook_endpoint_stats')
    .select(['endpoint_id', 'outcome', 'reason'])
    .select(sql<number>`cast(sum(count) as bigint)`.as('count'))
    .select(sql<number>`max(last_at)`.as('last_at'))
    .where('endpoint_id', '=', endpointId)
    .groupBy(['endpoint_id', 'outcome', 'reason'])
    .orderBy('outcome')
    .orderBy('reason')
    .execute();
}
