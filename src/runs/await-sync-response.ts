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
  /** The run succeeded (the route's `response`), or it is not done and the route has a `pending` answer. */
  | { readonly kind: 'rendered'; readonly status: number; readonly body: unknown }
  /** The run did not finish in time (or was cancelled), and the route has no `pending` answer: 202 with where to look. */
  | { readonly kind: 'pending'; readonly runId: string; readonly status: string }
  /** The run failed for good, or a response template failed to render. */
  | { readonly kind: 'failed'; readonly runId: string; readonly code: 'run_failed' | 'response_render_failed'; readonly message: string };

/** What a waiter learnt: the run finished, a step of it waits for a retry, or the time ran out. */
type Waited = { readonly kind: 'finished'; readonly status: FinishedRunStatus } | { readonly kind: 'retrying'; readonly step: string } | { readonly kind: 'timeout' };

/**
 * Waits for the run, up to `timeoutMs`. With `untilRetrying`, a step that waits for a retry ends the
 * wait too. In-process signals come first; polling finds what another process did.
 */
async function waitForRun(db: Kysely<Database>, completions: RunCompletions, runId: string, timeoutMs: number, untilRetrying: boolean): Promise<Waited> {
  return new Promise((resolve) => {
    let settled = false;
    const settle = (waited: Waited) => {
      if (settled) return;
      settled = true;
      unsubscribe();
      unsubscribeRetrying();
      clearTimeout(deadline);
      clearInterval(poll);
      resolve(waited);
    };
    const unsubscribe = completions.onFinished(runId, (status) => settle({ kind: 'finished', status }));
    const unsubscribeRetrying = untilRetrying ? completions.onRetrying(runId, (step) => settle({ kind: 'retrying', step })) : () => {};
    const deadline = setTimeout(() => settle({ kind: 'timeout' }), timeoutMs);
    const poll = setInterval(() => {
      void (async () => {
        const row = await db.selectFrom('runs').select('status').where('id', '=', runId).executeTakeFirst();
        if (row !== undefined && (row.status === 'succeeded' || row.status === 'failed' || row.status === 'cancelled')) {
          settle({ kind: 'finished', status: row.status });
          return;
        }
        if (!untilRetrying) return;
        const failedStep = await db.selectFrom('run_steps').select('step_name').where('run_id', '=', runId).where('status', '=', 'failed').executeTakeFirst();
        if (failedStep !== undefined) settle({ kind: 'retrying', step: failedStep.step_name });
      })().catch(() => undefined);
    }, POLL_INTERVAL_MS);
  });
}

/**
 * Waits for a `respond: sync` route's run, up to the route's `timeout_ms`, and renders its `response`
 * template over `{event, steps, run}`; without a template the body is `{event_id, run_id, status, steps}`.
 * A route with a `pending` answer gets it, rendered over the steps finished so far, as soon as a step
 * waits for a retry or when the time runs out; the run carries on either way.
 */
export async function awaitSyncResponse(
  deps: { readonly db: Kysely<Database>; readonly completions: RunCompletions; readonly clock: Clock },
  run: { readonly id: string; readonly route: CompiledRoute },
): Promise<SyncResponse> {
  const respond = run.route.respond;
  if (respond.mode !== 'sync') throw new Error(`route ${run.route.id} does not respond synchronously`);
  const waited = await waitForRun(deps.db, deps.completions, run.id, respond.timeoutMs, respond.pending !== undefined);
  const status = waited.kind === 'finished' ? waited.status : undefined;
  if (status === undefined || status === 'cancelled') {
    const row = await deps.db.selectFrom('runs').select('status').where('id', '=', run.id).executeTakeFirst();
    // A run that finished between the wait and this read is answered as finished.
    if (row?.status === 'succeeded' || row?.status === 'failed') return renderFinished(deps, run, row.status);
    if (respond.pending === undefined || row?.status === 'cancelled') return { kind: 'pending', runId: run.id, status: row?.status ?? 'pending' };
    return renderTemplate(deps, run, respond.pending.response, respond.pending.status, {
      status: row?.status ?? 'pending',
      ...(waited.kind === 'retrying' ? { waiting_for: waited.step } : {}),
    });
  }
  return renderFinished(deps, run, status);
}

async function renderFinished(
  deps: { readonly db: Kysely<Database>; readonly clock: Clock },
  run: { readonly id: string; readonly route: CompiledRoute },
  status: 'succeeded' | 'failed',
): Promise<SyncResponse> {
  if (status === 'failed') {
    const found = await deps.db.selectFrom('runs').select('error').where('id', '=', run.id).executeTakeFirstOrThrow();
    const error = found.error === null ? undefined : (JSON.parse(found.error) as { message?: string });
    return { kind: 'failed', runId: run.id, code: 'run_failed', message: error?.message ?? 'The run failed.' };
  }
  const respond = run.route.respond;
  const template = respond.mode === 'sync' ? respond.response : undefined;
  const statusCode = respond.mode === 'sync' ? respond.status : 200;
  return renderTemplate(deps, run, template, statusCode, { status: 'succeeded' });
}

/** Renders `template` (or, without one, the run's steps) over the event and the steps succeeded so far. */
async function renderTemplate(
  deps: { readonly db: Kysely<Database>; readonly clock: Clock },
  run: { readonly id: string; readonly route: CompiledRoute },
  template: unknown,
  statusCode: number,
  runFields: { readonly status: string; readonly waiting_for?: string },
): Promise<SyncResponse> {
  const found = await deps.db
    .selectFrom('runs')
    .innerJoin('events', 'events.id', 'runs.event_id')
    .select(['events.id', 'events.source', 'events.type', 'events.subject', 'events.time', 'events.datacontenttype', 'events.data', 'events.data_base64', 'events.extensions'])
    .where('runs.id', '=', run.id)
    .executeTakeFirstOrThrow();
  const stepRows = await deps.db.selectFrom('run_steps').select(['step_name', 'output']).where('run_id', '=', run.id).where('status', '=', 'succeeded').execute();
  const steps: Record<string, unknown> = {};
  for (const row of stepRows) steps[row.step_name] = row.output === null ? null : (JSON.parse(row.output) as unknown);
  const event = eventEnvelopeFromRow(found);
  if (template === undefined) return { kind: 'rendered', status: statusCode, body: { event_id: event.id, run_id: run.id, status: runFields.status, steps } };
  const rendered = await renderResponseTemplate(template, { event, steps, run: { id: run.id, route_id: run.route.id, attempt: 1, ...runFields } }, { nowMs: deps.clock.nowMs() });
  if (!rendered.ok) return { kind: 'failed', runId: run.id, code: 'response_render_failed', message: rendered.failure.message };
  return { kind: 'rendered', status: statusCode, body: rendered.value ?? null };
}
