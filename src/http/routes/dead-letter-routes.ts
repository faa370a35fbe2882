import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { ApiError } from '../../core/errors/api-error.js';
import type { DeadJobFilter } from '../../store/jobs/dead-job-filter.js';
import { listDeadJobs } from '../../store/jobs/list-dead-jobs.js';
import { replayDeadJobs } from '../../store/jobs/replay-dead-jobs.js';
import { requireAdminKey } from '../admin-auth.js';
import type { AppDeps } from '../app-deps.js';
import { DEFAULT_PAGE_LIMIT, decodeCursor, encodeCursor } from '../cursor.js';
import { BulkReplayBody, DeadLetterIdParams, ListDeadLettersQuery } from '../schemas/dead-letter-schemas.js';
import { deadLetterView } from '../views/dead-letter-view.js';

const security = [{ bearerAuth: [] }];
const tags = ['dead letters'];

function deadJobFilter(given: {
  queue?: string | undefined;
  route?: string | undefined;
  step?: string | undefined;
  error_code?: string | undefined;
  since?: string | undefined;
  until?: string | undefined;
}): DeadJobFilter {
  return {
    queue: given.queue,
    runRouteId: given.route,
    runStepName: given.step,
    errorCode: given.error_code,
    sinceMs: given.since === undefined ? undefined : Date.parse(given.since),
    untilMs: given.until === undefined ? undefined : Date.parse(given.until),
  };
}

/** Lets `curl -X POST …/replay` with no body replay by an empty filter (every dead letter). */
async function absentBodyAsEmptyObject(request: FastifyRequest): Promise<void> {
  request.body ??= {};
}

/**
 * Dead letters: jobs that ran out of attempts or failed for good. Replay puts them back to pending
 * with attempts reset and wakes the workers; a replayed run resumes at its failed step.
 */
export async function deadLetterRoutes(parent: FastifyInstance, deps: AppDeps): Promise<void> {
  const app = parent.withTypeProvider<TypeBoxTypeProvider>();
  app.addHook('onRequest', requireAdminKey(deps.adminKey));
  const wake = async (replayed: readonly { queue: string }[]) => {
    if (replayed.length > 0) await deps.runs?.notifier.notifyEnqueued(deps.store.db, replayed.map((job) => job.queue));
  };

  app.get(
    '/api/v1/dead-letters',
    { schema: { tags, security, summary: 'List dead letters, newest first', querystring: ListDeadLettersQuery } },
    async (request) => {
      const { query } = request;
      const limit = query.limit ?? DEFAULT_PAGE_LIMIT;
      const rows = await listDeadJobs(deps.store.db, { ...deadJobFilter(query), beforeId: decodeCursor(query.cursor), limit: limit + 1 });
      const page = rows.slice(0, limit);
      return {
        dead_letters: page.map(deadLetterView),
        next_cursor: rows.length > limit ? encodeCursor((page[page.length - 1] as { id: string }).id) : null,
      };
    },
  );

  app.post(
    '/api/v1/dead-letters/replay',
    {
      preValidation: absentBodyAsEmptyObject,
      schema: { tags, security, summary: 'Replay every dead letter matching queue, error code and time range', body: BulkReplayBody },
    },
    async (request) => {
      const replayed = await replayDeadJobs(deps.store.db, { select: deadJobFilter(request.body), nowMs: deps.clock.nowMs() });
      await wake(replayed);
      return { replayed: replayed.length };
    },
  );

  app.post(
    '/api/v1/dead-letters/:id/replay',
    { schema: { tags, security, summary: 'Replay one dead letter (back to pending, attempts reset)', params: DeadLetterIdParams } },
    async (request) => {
      const { id } = request.params;
      const replayed = await replayDeadJobs(deps.store.db, { select: { ids: [id] }, nowMs: deps.clock.nowMs() });
      if (replayed.length === 0) throw new ApiError('dead_letter_not_found', `No dead letter "${id}".`);
      await wake(replayed);
      return { id, queue: replayed[0]?.queue, status: 'pending' };
    },
  );
}
