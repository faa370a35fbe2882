import type { Kysely } from 'kysely';
import type { Clock } from '../core/clock.js';
import type { CompiledRoute } from '../routing/compiled-route.js';
import type { Database } from '../store/database.js';
import { eventEnvelopeFromRow } from '../store/events/event-envelope-from-row.js';
import { renderResponseTemplate } from './render-response-template.js';
import type { FinishedRunStatus, RunCompletions } from './run-completions.js';

/** How often a waiter re-reads its run, for runs another process executes. */
const POLL_INTERVAL_MS = 250;

export type SyncResponse =
  /** The run succeeded: the route's rendered `response` with its status code. */
  | { readonly kind: 'rendered'; readonly status: number; readonly body: unknown }
  /** The run did not finish in time (or was cancelled): answer 202 with where to look. */
  | { readonly kind: 'pending'; readonly runId: string; readonly status: string }
  /** The run failed for good, or its response template failed to render. */
  | { readonly kind: 'failed'; readonly runId: string; readonly code: 'run_failed' | 'response_render_failed'; readonly message: string };

/** Resolves with the run's finished status, or undefined when `timeoutMs` passes first. */
async function waitForRun(db: Kysely<Database>, completions: RunCompletions, runId: string, timeoutMs: number): Promise<FinishedRunStatus | undefined> {
  return new Promise((resolve) => {
    let settled = false;
    const settle = (status: FinishedRunStatus | undefined) => {
      if (settled) return;
      settled = true;
      unsubscribe();
      clearTimeout(deadline);
      clearInterval(poll);
      resolve(status);
    };
    const unsubscribe = completions.onFinished(runId, settle);
    const deadline = setTimeout(() => settle(undefined), timeoutMs);
    const poll = setInterval(() => {
      db.selectFrom('runs')
        .select('status')
        .where('id', '=', runId)
        .executeTakeFirst()
        .then((row) => {
          if (row !== undefined && (row.status === 'succeeded' || row.status === 'failed' || row.status === 'cancelled')) settle(row.status);
        })
        .catch(() => undefined);
    }, POLL_INTERVAL_MS);
  });
}

/**
 * Waits for a `respond: sync` route's run, up to the route's `timeout_ms`, and renders its `response`
 * template over `{event, steps, run}`; without a template the body is `{event_id, run_id, status, steps}`.
 */
export async function awaitSyncResponse(
  deps: { readonly db: Kysely<Database>; readonly completions: RunCompletions; readonly clock: Clock },
  run: { readonly id: string; readonly route: CompiledRoute },
): Promise<SyncResponse> {
  const respond = run.route.respond;
  if (respond.mode !== 'sync') throw new Error(`route ${run.route.id} does not respond synchronously`);
  const status = await waitForRun(deps.db, deps.completions, run.id, respond.timeoutMs);
  if (status === undefined || status === 'cancelled') {
    const row = await deps.db.selectFrom('runs').select('status').where('id', '=', run.id).executeTakeFirst();
    return { kind: 'pending', runId: run.id, status: row?.status ?? 'pending' };
  }
  const found = await deps.db
    .selectFrom('runs')
    .innerJoin('events', 'events.id', 'runs.event_id')
    .select(['runs.error as run_error', 'events.id', 'events.source', 'events.type', 'events.subject', 'events.time', 'events.datacontenttype', 'events.data', 'events.data_base64', 'events.extensions'])
    .where('runs.id', '=', run.id)
    .executeTakeFirstOrThrow();
  if (status === 'failed') {
    const error = found.run_error === null ? undefined : (JSON.parse(found.run_error) as { message?: string });
    return { kind: 'failed', runId: run.id, code: 'run_failed', message: error?.message ?? 'The run failed.' };
  }
  const stepRows = await deps.db.selectFrom('run_steps').select(['step_name', 'output']).where('run_id', '=', run.id).where('status', '=', 'succeeded').execute();
  const steps: Record<string, unknown> = {};
  for (const row of stepRows) steps[row.step_name] = row.output === null ? null : (JSON.parse(row.output) as unknown);
  const event = eventEnvelopeFromRow(found);
  const template = run.route.definition.respond?.mode === 'sync' ? run.route.definition.respond.response : undefined;
  if (template === undefined) return { kind: 'rendered', status: respond.status, body: { event_id: event.id, run_id: run.id, status: 'succeeded', steps } };
  const rendered = await renderResponseTemplate(template, { event, steps, run: { id: run.id, route_id: run.route.id, attempt: 1 } }, { nowMs: deps.clock.nowMs() });
  if (!rendered.ok) return { kind: 'failed', runId: run.id, code: 'response_render_failed', message: rendered.failure.message };
  return { kind: 'rendered', status: respond.status, body: rendered.value ?? null };
}
