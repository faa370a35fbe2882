import { newId } from '../../core/new-id.js';
import type { StepDefinition } from '../../routing/route-definition.js';
import type { Db } from '../database.js';

/** A route an event matched, with the steps a run of it executes. */
export interface MatchedRoute {
  readonly id: string;
  readonly steps: readonly StepDefinition[];
}

export type InsertRunOutcome =
  | { readonly status: 'created'; readonly id: string; readonly routeId: string }
  | { readonly status: 'duplicate'; readonly id: string; readonly routeId: string };

/**
 * Creates one pending run per matched route for an event, outcomes in the routes' order. Each run's
 * plan is a copy of its route's steps, and each top-level step gets a pending row at its position.
 * A run that already exists for (event, route) is a `duplicate` carrying its id, so starting runs
 * for the same event twice (a redelivered job) creates nothing. Run it in the caller's transaction.
 */
export async function insertRuns(
  db: Db,
  args: { readonly eventId: string; readonly routes: readonly MatchedRoute[]; readonly nowMs: number },
): Promise<InsertRunOutcome[]> {
  const { eventId, routes, nowMs } = args;
  const outcomes: InsertRunOutcome[] = [];
  for (const route of routes) {
    const id = newId(nowMs);
    const inserted = await db
      .insertInto('runs')
      .values({ id, event_id: eventId, route_id: route.id, status: 'pending', plan: JSON.stringify(route.steps), error: null, created_at: nowMs, updated_at: nowMs, finished_at: null })
      .onConflict((oc) => oc.columns(['event_id', 'route_id']).doNothing())
      .returning('id')
      .executeTakeFirst();
    if (inserted === undefined) {
      const existing = await db.selectFrom('runs').select('id').where('event_id', '=', eventId).where('route_id', '=', route.id).executeTakeFirstOrThrow();
      outcomes.push({ status: 'duplicate', id: existing.id, routeId: route.id });
      continue;
    }
    if (route.steps.length > 0) {
      await db
        .insertInto('run_steps')
        .values(
          route.steps.map((step, position) => ({
            run_id: id,
            step_name: step.name,
            position,
            kind: step.kind,
            status: 'pending' as const,
            input: null,
            output: null,
            attempts: 0,
            error: null,
            started_at: null,
            finished_at: null,
          })),
        )
        .execute();
    }
    outcomes.push({ status: 'created', id, routeId: route.id });
  }
  return outcomes;
}
