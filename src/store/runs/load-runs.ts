import { CompiledQuery, sql, type Kysely, type Selectable } from 'kysely';
import type { EventEnvelope } from '../../core/event-envelope.js';
import type { Database, Dialect, RunStepsTable, RunsTable } from '../database.js';
import { eventEnvelopeFromRow } from '../events/event-envelope-from-row.js';

/** What the run executor reads to execute a run: the run, its event, and its step rows when it ran before. */
export interface LoadedRun {
  readonly run: Pick<Selectable<RunsTable>, 'id' | 'route_id' | 'status' | 'plan'>;
  readonly event: EventEnvelope;
  readonly steps: readonly LoadedStep[];
}

export interface LoadedStep {
  readonly name: string;
  readonly kind: string;
  readonly status: RunStepsTable['status'];
  readonly output: string | null;
  readonly attempts: number;
}

function loadRunsQuery(db: Kysely<Database>, dialect: Dialect) {
  return db
    .selectFrom('runs')
    .innerJoin('events', 'events.id', 'runs.event_id')
    .leftJoin('run_steps', 'run_steps.run_id', 'runs.id')
    .select([
      'runs.id as run_id',
      'runs.route_id',
      'runs.status as run_status',
      'runs.plan',
      'events.id',
      'events.source',
      'events.type',
      'events.subject',
      'events.time',
      'events.datacontenttype',
      'events.data',
      'events.data_base64',
      'events.extensions',
      'run_steps.step_name',
      'run_steps.kind',
      'run_steps.status as step_status',
      'run_steps.output',
      'run_steps.attempts',
    ])
    .where(dialect === 'postgres' ? sql<boolean>`runs.id = any(${'{}'}::text[])` : sql<boolean>`runs.id in (select value from json_each(${'[]'}))`);
}

type LoadRunsRow = Awaited<ReturnType<ReturnType<typeof loadRunsQuery>['execute']>>[number];

// The query text, compiled once per database: building and compiling it per batch cost more than running it.
const queryText = new WeakMap<Kysely<Database>, string>();

/**
 * Runs with their events and step rows, by id, in ONE query (a fresh run has no step rows: one row
 * of nulls); ids with no run are missing from the map. The worker loads a whole claimed batch with it.
 */
export async function loadRuns(db: Kysely<Database>, dialect: Dialect, runIds: readonly string[]): Promise<Map<string, LoadedRun>> {
  const loaded = new Map<string, LoadedRun>();
  if (runIds.length === 0) return loaded;
  let text = queryText.get(db);
  if (text === undefined) {
    text = loadRunsQuery(db, dialect).compile().sql;
    queryText.set(db, text);
  }
  const parameter = dialect === 'postgres' ? [...runIds] : JSON.stringify(runIds);
  const { rows } = await db.executeQuery<LoadRunsRow>(CompiledQuery.raw(text, [parameter]));
  const grouped = new Map<string, LoadRunsRow[]>();
  for (const row of rows) {
    const list = grouped.get(row.run_id);
    if (list === undefined) grouped.set(row.run_id, [row]);
    else list.push(row);
  }
  for (const [runId, runRows] of grouped) {
    const first = runRows[0] as LoadRunsRow;
    const steps: LoadedStep[] = [];
    for (const row of runRows) {
      if (row.step_name === null || row.kind === null || row.step_status === null || row.attempts === null) continue;
      steps.push({ name: row.step_name, kind: row.kind, status: row.step_status, output: row.output, attempts: Number(row.attempts) });
    }
    loaded.set(runId, { run: { id: first.run_id, route_id: first.route_id, status: first.run_status, plan: first.plan }, event: eventEnvelopeFromRow(first), steps });
  }
  return loaded;
}
