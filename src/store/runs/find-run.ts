import type { Selectable } from 'kysely';
import type { Db, RunStepsTable, RunsTable } from '../database.js';

/** A run and its step rows in plan order. */
export interface RunWithSteps {
  readonly run: Selectable<RunsTable>;
  readonly steps: Selectable<RunStepsTable>[];
}

/** One run with its steps, or undefined when there is no run with this id. */
export async function findRun(db: Db, id: string): Promise<RunWithSteps | undefined> {
  const run = await db.selectFrom('runs').selectAll().where('id', '=', id).executeTakeFirst();
  if (run === undefined) return undefined;
  const steps = await db.selectFrom('run_steps').selectAll().where('run_id', '=', id).orderBy('position').orderBy('step_name').execute();
  return { run, steps };
}
