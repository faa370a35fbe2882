import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { ApiError } from '../../core/errors/api-error.js';
import { cancelRun } from '../../store/runs/cancel-run.js';
import { findRun } from '../../store/runs/find-run.js';
import { listRuns } from '../../store/runs/list-runs.js';
import { replayRunJob } from '../../store/runs/replay-run-job.js';
import { retryFailedRun } from '../../store/runs/retry-failed-run.js';
import { RUNS_QUEUE } from '../../runs/run-queue.js';
import { requireAdminKey } from '../admin-auth.js';
import type { AppDeps } from '../app-deps.js';
import { DEFAULT_PAGE_LIMIT, decodeCursor, encodeCursor } from '../cursor.js';
import { ListRunsQuery, RunIdParams } from '../schemas/run-schemas.js';
import { runDetailView, runView } from '../views/run-view.js';

const security = [{ bearerAuth: [] }];
const tags = ['runs'];

const notFound = (id: string) => new ApiError('run_not_found', `No run "${id}".`);

/**
 * Reading runs and controlling them. Cancel and retry change the stored state in one transaction
 * each; the engine that executes runs reads that state (it is not part of this module).
 */
export async function runRoutes(parent: FastifyInstance, deps: AppDeps): Promise<void> {
  const app = parent.withTypeProvider<TypeBoxTypeProvider>();
  app.addHook('onRequest', requireAdminKey(deps.adminKey));

  app.get('/api/v1/runs', { schema: { tags, security, summary: 'List runs, newest first', querystring: ListRunsQuery } }, async (request) => {
    const { query } = request;
    const limit = query.limit ?? DEFAULT_PAGE_LIMIT;
    const rows = await listRuns(deps.store.db, { eventId: query.event_id, routeId: query.route, status: query.status, beforeId: decodeCursor(query.cursor), limit: limit + 1 });
    const page = rows.slice(0, limit);
    return {
      runs: page.map(runView),
      next_cursor: rows.length > limit ? encodeCursor((page[page.length - 1] as { id: string }).id) : null,
    };
  });

  app.get('/api/v1/runs/:id', { schema: { tags, security, summary: 'Get one run with its steps', params: RunIdParams } }, async (request) => {
    const found = await findRun(deps.store.db, request.params.id);
    if (found === undefined) throw notFound(request.params.id);
    return runDetailView(found.run, found.steps);
  });

  app.post(
    '/api/v1/runs/:id/cancel',
    { schema: { tags, security, summary: 'Cancel a pending or running run (409 run_finished otherwise)', params: RunIdParams } },
    async (request) => {
      const { id } = request.params;
      const outcome = await deps.store.db.transaction().execute(async (trx) => {
        const result = await cancelRun(trx, { id, nowMs: deps.clock.nowMs() });
        return { result, found: await findRun(trx, id) };
      });
      if (outcome.result === 'not_found' || outcome.found === undefined) throw notFound(id);
      if (outcome.result === 'finished') throw new ApiError('run_finished', `Run "${id}" already ${outcome.found.run.status}; only a pending or running run can be cancelled.`);
      return runDetailView(outcome.found.run, outcome.found.steps);
    },
  );

  app.post(
    '/api/v1/runs/:id/retry',
    { schema: { tags, security, summary: 'Retry a failed run from its failed step (409 run_not_failed otherwise)', params: RunIdParams } },
    async (request) => {
      const { id } = request.params;
      const nowMs = deps.clock.nowMs();
      const outcome = await deps.store.db.transaction().execute(async (trx) => {
        const planOf = (routeId: string) => {
          const route = deps.routeTable.get(routeId);
          return route === undefined ? undefined : JSON.stringify(route.definition.steps);
        };
        const result = await retryFailedRun(trx, { id, nowMs, planOf });
        // The run's job died with it: replaying it in the same transaction makes the retry execute.
        if (result === 'retried') await replayRunJob(trx, { queue: RUNS_QUEUE, runId: id, nowMs });
        return { result, found: await findRun(trx, id) };
      });
      if (outcome.result === 'retried') await deps.runs?.notifier.notifyEnqueued(deps.store.db, [RUNS_QUEUE]);
      if (outcome.result === 'not_found' || outcome.found === undefined) throw notFound(id);
      if (outcome.result === 'not_failed') throw new ApiError('run_not_failed', `Run "${id}" is ${outcome.found.run.status}; only a failed run can be retried.`);
      return runDetailView(outcome.found.run, outcome.found.steps);
    },
  );
}
