import type { Db } from '../database.js';

/**
 * A cheap summary of the routes table (row count and latest change) that changes whenever a route is
 * created, replaced or deleted, so a process can tell another process changed its routes.
 */
export async function routesFingerprint(db: Db): Promise<string> {
  const row = await db
    .selectFrom('routes')
    .select((eb) => [eb.fn.countAll<number | string>().as('n'), eb.fn.max('updated_at').as('latest')])
    .executeTakeFirstOrThrow();
  return `${Number(row.n)}:${row.latest === null ? 0 : Number(row.latest)}`;
}
