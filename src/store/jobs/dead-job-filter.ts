import type { Expression, ExpressionBuilder, SqlBool } from 'kysely';
import type { Database } from '../database.js';

/** Which dead letters to list or replay; every field narrows, and the time range applies to when the job died. */
export interface DeadJobFilter {
  readonly queue?: string | undefined;
  /** Run jobs (dedupe key = run id) whose run belongs to this route. */
  readonly runRouteId?: string | undefined;
  /** Run jobs whose run has this step failed. */
  readonly runStepName?: string | undefined;
  readonly errorCode?: string | undefined;
  /** finished_at >= sinceMs */
  readonly sinceMs?: number | undefined;
  /** finished_at < untilMs */
  readonly untilMs?: number | undefined;
}

/** The condition `status = 'dead'` plus the filter, for a select or update on jobs. */
export function deadJobCondition(eb: ExpressionBuilder<Database, 'jobs'>, filter: DeadJobFilter): Expression<SqlBool> {
  const conditions: Expression<SqlBool>[] = [eb('status', '=', 'dead')];
  if (filter.queue !== undefined) conditions.push(eb('queue', '=', filter.queue));
  if (filter.runRouteId !== undefined) {
    const routeId = filter.runRouteId;
    conditions.push(eb.exists(eb.selectFrom('runs').select('runs.id').whereRef('runs.id', '=', 'jobs.dedupe_key').where('runs.route_id', '=', routeId)));
  }
  if (filter.runStepName !== undefined) {
    const stepName = filter.runStepName;
    conditions.push(
      eb.exists(eb.selectFrom('run_steps').select('run_steps.run_id').whereRef('run_steps.run_id', '=', 'jobs.dedupe_key').where('run_steps.step_name', '=', stepName).where('run_steps.status', '=', 'failed')),
    );
  }
  if (filter.errorCode !== undefined) conditions.push(eb('last_error_code', '=', filter.errorCode));
  if (filter.sinceMs !== undefined) conditions.push(eb('finished_at', '>=', filter.sinceMs));
  if (filter.untilMs !== undefined) conditions.push(eb('finished_at', '<', filter.untilMs));
  return eb.and(conditions);
}
