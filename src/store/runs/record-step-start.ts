import type { Db } from '../database.js';

export type StepStartOutcome = { readonly status: 'started'; readonly attempt: number } | { readonly status: 'already_succeeded' };

/**
 * Records that an attempt of a step begins: status running, attempts + 1, the evaluated input and
 * the start time. Creates the step's row when the plan did not have it yet (a step a branch chose).
 * A step already `succeeded` is left untouched and reported, so a resumed run never runs it again.
 */
export async function recordStepStart(
  db: Db,
  args: {
    readonly runId: string;
    readonly stepName: string;
    /** The step's index in the run's current plan (see runs/plan-run). */
    readonly position: number;
    readonly kind: string;
    /** Any JSON-serialisable value; undefined stores null (a step without inputs). */
    readonly input: unknown;
    readonly nowMs: number;
  },
): Promise<StepStartOutcome> {
  const { runId, stepName, position, kind, nowMs } = args;
  const input = args.input === undefined ? null : JSON.stringify(args.input);
  const started = await db
    .insertInto('run_steps')
    .values({ run_id: runId, step_name: stepName, position, kind, status: 'running', input, output: null, attempts: 1, error: null, started_at: nowMs, finished_at: null })
    .onConflict((oc) =>
      oc
        .columns(['run_id', 'step_name'])
        .doUpdateSet((eb) => ({ status: 'running', position, kind, input, attempts: eb('run_steps.attempts', '+', 1), started_at: nowMs, finished_at: null }))
        .where('run_steps.status', '!=', 'succeeded'),
    )
    .returning('attempts')
    .executeTakeFirst();
  return started === undefined ? { status: 'already_succeeded' } : { status: 'started', attempt: Number(started.attempts) };
}
