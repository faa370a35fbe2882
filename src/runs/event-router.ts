import type { EventEnvelope } from '../core/event-envelope.js';
import type { CompiledRoute } from '../routing/compiled-route.js';
import type { RunStartRows } from '../store/runs/run-start-rows.js';
import { buildRunStarts } from './build-run-starts.js';

/** A run a new event will start, with the route it runs (for `respond: sync`). */
export interface PlannedRun {
  readonly rows: RunStartRows;
  readonly route: CompiledRoute;
}

/** Decides, before an event commits, which runs it starts; the commit writes them with the event. */
export interface EventRouter {
  /** One planned run per matching route, in route id order; none means the event is kept unrouted. */
  plan(envelope: EventEnvelope, nowMs: number): Promise<PlannedRun[]>;
}

export function createEventRouter(routes: { match(envelope: EventEnvelope): Promise<CompiledRoute[]> }, defaultMaxAttempts: number): EventRouter {
  return {
    async plan(envelope, nowMs) {
      const matched = await routes.match(envelope);
      if (matched.length === 0) return [];
      const rows = buildRunStarts(envelope.id, matched, nowMs, defaultMaxAttempts);
      return rows.map((row, index) => ({ rows: row, route: matched[index] as CompiledRoute }));
    },
  };
}
