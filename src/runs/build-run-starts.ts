import { newId } from '../core/new-id.js';
import type { CompiledRoute } from '../routing/compiled-route.js';
import type { StepDefinition } from '../routing/route-definition.js';
import type { RunStartRows } from '../store/runs/run-start-rows.js';
import { RUNS_QUEUE } from './run-queue.js';

/** Claims a run job may take beyond its steps' attempts: crashes and lost leases, before it is dead-lettered. */
const SPARE_CLAIMS = 3;

// A route's steps as JSON, made once per compiled route: every run of it copies the same plan.
const planJson = new WeakMap<CompiledRoute, { readonly json: string; readonly claims: number }>();

function stepAttempts(steps: readonly StepDefinition[], defaultMaxAttempts: number): number {
  let total = 0;
  for (const step of steps) {
    if (step.kind === 'branch') {
      // Only one case runs; budget for the largest.
      const lists = [...step.cases.map((c) => c.steps as StepDefinition[]), (step.otherwise ?? []) as StepDefinition[]];
      total += 1 + Math.max(0, ...lists.map((list) => stepAttempts(list, defaultMaxAttempts)));
    } else if (step.kind === 'agent' || step.kind === 'action') total += step.retry?.max_attempts ?? defaultMaxAttempts;
    else total += 1;
  }
  return total;
}

function planOf(route: CompiledRoute, defaultMaxAttempts: number): { readonly json: string; readonly claims: number } {
  let plan = planJson.get(route);
  if (plan === undefined) {
    plan = { json: JSON.stringify(route.definition.steps), claims: stepAttempts(route.definition.steps, defaultMaxAttempts) + SPARE_CLAIMS };
    planJson.set(route, plan);
  }
  return plan;
}

/**
 * The rows that start one run per matched route for a new event: the run (pending, its plan a copy
 * of the route's steps) and the job that executes it. The job may be claimed as often as the steps'
 * attempts add up to, plus a few claims lost to crashes; a step's own retry budget is enforced by
 * the run executor.
 */
export function buildRunStarts(eventId: string, routes: readonly CompiledRoute[], nowMs: number, defaultMaxAttempts: number): RunStartRows[] {
  return routes.map((route) => {
    const plan = planOf(route, defaultMaxAttempts);
    const runId = newId(nowMs);
    return {
      run: { id: runId, event_id: eventId, route_id: route.id, status: 'pending', plan: plan.json, error: null, created_at: nowMs, updated_at: nowMs, finished_at: null },
      job: {
        id: newId(nowMs),
        queue: RUNS_QUEUE,
        payload: `{"run_id":"${runId}"}`,
        status: 'pending',
        attempts: 0,
        max_attempts: plan.claims,
        run_at: nowMs,
        locked_by: null,
        locked_until: null,
        last_error: null,
        last_error_code: null,
        dedupe_key: runId,
        created_at: nowMs,
        updated_at: nowMs,
        finished_at: null,
      },
    };
  });
}
