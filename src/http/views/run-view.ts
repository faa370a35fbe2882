import type { Selectable } from 'kysely';
import type { RunStepsTable, RunsTable } from '../../store/database.js';

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(Number(ms)).toISOString());
const json = (text: string | null): unknown => (text === null ? null : (JSON.parse(text) as unknown));

/** A run as the list shows it: no plan and no steps. */
export function runView(row: Selectable<RunsTable>): Record<string, unknown> {
  return {
    id: row.id,
    event_id: row.event_id,
    route_id: row.route_id,
    status: row.status,
    error: json(row.error),
    created_at: iso(row.created_at),
    updated_at: iso(row.updated_at),
    finished_at: iso(row.finished_at),
  };
}

/** One step of a run: what went in, what came out, and how many attempts it took. */
export function runStepView(row: Selectable<RunStepsTable>): Record<string, unknown> {
  return {
    name: row.step_name,
    position: Number(row.position),
    kind: row.kind,
    status: row.status,
    attempts: Number(row.attempts),
    input: json(row.input),
    output: json(row.output),
    error: json(row.error),
    started_at: iso(row.started_at),
    ended_at: iso(row.finished_at),
  };
}

/** A run with its plan (the steps copied from the route when it started) and its steps in order. */
export function runDetailView(run: Selectable<RunsTable>, steps: readonly Selectable<RunStepsTable>[]): Record<string, unknown> {
  return { ...runView(run), plan: json(run.plan), steps: steps.map(runStepView) };
}
