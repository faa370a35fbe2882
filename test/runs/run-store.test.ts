import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StepDefinition } from '../../src/routing/route-definition.js';
import { cancelRun } from '../../src/store/runs/cancel-run.js';
import { findRun } from '../../src/store/runs/find-run.js';
import { insertNotifyRequest } from '../../src/store/runs/insert-notify-request.js';
import { insertRuns } from '../../src/store/runs/insert-runs.js';
import { listRuns } from '../../src/store/runs/list-runs.js';
import { recordStepResult } from '../../src/store/runs/record-step-result.js';
import { recordStepStart } from '../../src/store/runs/record-step-start.js';
import { retryFailedRun } from '../../src/store/runs/retry-failed-run.js';
import { setRunStatus } from '../../src/store/runs/set-run-status.js';
import type { Store } from '../../src/store/store.js';
import { dialects, openTestStore } from '../support/test-database.js';

const T0 = 1_700_000_000_000;

const steps: StepDefinition[] = [
  { name: 'triage', kind: 'agent', agent: 'triage', with: { alert: 'event.data' } },
  { name: 'summary', kind: 'transform', expression: 'steps.triage' },
  { name: 'announce', kind: 'emit', type: 'alert.triaged', data: 'steps.summary' },
];

describe.each(dialects)('run store (%s)', (dialect) => {
  let store: Store;
  let close: () => Promise<void>;
  beforeEach(async () => {
    ({ store, close } = await openTestStore(dialect));
  });
  afterEach(async () => {
    await close();
  });

  const start = async (eventId = 'evt_1', routeIds = ['route-a'], nowMs = T0) =>
    insertRuns(store.db, { eventId, routes: routeIds.map((id) => ({ id, steps })), nowMs });

  it('creates one pending run per matched route, with the steps copied as the plan and pending step rows', async () => {
    const outcomes = await start('evt_1', ['route-a', 'route-b']);
    expect(outcomes.map((o) => [o.status, o.routeId])).toEqual([['created', 'route-a'], ['created', 'route-b']]);

    const found = await findRun(store.db, outcomes[0]?.id ?? '');
    expect(found?.run).toMatchObject({ event_id: 'evt_1', route_id: 'route-a', status: 'pending', error: null, finished_at: null });
    expect(JSON.parse(found?.run.plan ?? 'null')).toEqual(steps);
    expect(found?.steps.map((s) => [s.step_name, Number(s.position), s.kind, s.status, Number(s.attempts)])).toEqual([
      ['triage', 0, 'agent', 'pending', 0],
      ['summary', 1, 'transform', 'pending', 0],
      ['announce', 2, 'emit', 'pending', 0],
    ]);
    expect(await findRun(store.db, 'nope')).toBeUndefined();
  });

  it('is idempotent per (event, route): starting again returns the existing run', async () => {
    const [first] = await start('evt_1', ['route-a']);
    const again = await start('evt_1', ['route-a', 'route-b'], T0 + 5);
    expect(again.map((o) => o.status)).toEqual(['duplicate', 'created']);
    expect(again[0]?.id).toBe(first?.id);
    expect(await listRuns(store.db, { limit: 10 })).toHaveLength(2);
  });

  it('lists newest first, filters by event, route and status, and pages by id', async () => {
    await start('evt_1', ['route-a'], T0);
    await start('evt_2', ['route-a', 'route-b'], T0 + 1);
    const [third] = await start('evt_3', ['route-b'], T0 + 2);
    await setRunStatus(store.db, { id: third?.id ?? '', status: 'running', from: ['pending'], nowMs: T0 + 3 });

    const all = await listRuns(store.db, { limit: 10 });
    expect(all.map((r) => r.event_id)).toEqual(['evt_3', 'evt_2', 'evt_2', 'evt_1']);
    expect((await listRuns(store.db, { eventId: 'evt_2', limit: 10 })).map((r) => r.route_id).sort()).toEqual(['route-a', 'route-b']);
    expect((await listRuns(store.db, { routeId: 'route-a', limit: 10 })).map((r) => r.event_id)).toEqual(['evt_2', 'evt_1']);
    expect((await listRuns(store.db, { status: 'running', limit: 10 })).map((r) => r.id)).toEqual([third?.id]);

    const page1 = await listRuns(store.db, { limit: 2 });
    const page2 = await listRuns(store.db, { limit: 2, beforeId: page1[1]?.id });
    expect([...page1, ...page2].map((r) => r.id)).toEqual(all.map((r) => r.id));
  });

  it('counts attempts, and never overwrites a succeeded step', async () => {
    const [run] = await start();
    const runId = run?.id ?? '';
    const begin = (nowMs: number) => recordStepStart(store.db, { runId, stepName: 'triage', position: 0, kind: 'agent', input: { alert: { x: 1 } }, nowMs });

    expect(await begin(T0 + 1)).toEqual({ status: 'started', attempt: 1 });
    expect(await recordStepResult(store.db, { runId, stepName: 'triage', result: { status: 'failed', error: { code: 'step_error', message: 'boom' } }, nowMs: T0 + 2 })).toBe('recorded');
    expect(await begin(T0 + 3)).toEqual({ status: 'started', attempt: 2 });
    expect(await recordStepResult(store.db, { runId, stepName: 'triage', result: { status: 'succeeded', output: { level: 'HIGH' } }, nowMs: T0 + 4 })).toBe('recorded');

    expect(await begin(T0 + 5)).toEqual({ status: 'already_succeeded' });
    expect(await recordStepResult(store.db, { runId, stepName: 'triage', result: { status: 'succeeded', output: { level: 'LOW' } }, nowMs: T0 + 6 })).toBe('already_succeeded');
    expect(await recordStepResult(store.db, { runId, stepName: 'triage', result: { status: 'failed', error: { code: 'x', message: 'y' } }, nowMs: T0 + 6 })).toBe('already_succeeded');
    expect(await recordStepResult(store.db, { runId, stepName: 'missing', result: { status: 'skipped' }, nowMs: T0 + 6 })).toBe('step_not_found');

    const step = (await findRun(store.db, runId))?.steps[0];
    expect(step).toMatchObject({ status: 'succeeded', error: null });
    expect(Number(step?.attempts)).toBe(2);
    expect(Number(step?.started_at)).toBe(T0 + 3);
    expect(Number(step?.finished_at)).toBe(T0 + 4);
    expect(JSON.parse(step?.output ?? 'null')).toEqual({ level: 'HIGH' });
    expect(JSON.parse(step?.input ?? 'null')).toEqual({ alert: { x: 1 } });
  });

  it('creates the row of a step a branch chose when it starts', async () => {
    const [run] = await start();
    const runId = run?.id ?? '';
    expect(await recordStepStart(store.db, { runId, stepName: 'page_oncall', position: 1, kind: 'notify', input: undefined, nowMs: T0 + 1 })).toEqual({ status: 'started', attempt: 1 });
    const names = (await findRun(store.db, runId))?.steps.map((s) => s.step_name);
    expect(names).toEqual(['triage', 'page_oncall', 'summary', 'announce']);
  });

  it('moves run status only from the given statuses, setting finished_at on finishing', async () => {
    const [run] = await start();
    const id = run?.id ?? '';
    expect(await setRunStatus(store.db, { id, status: 'running', from: ['pending'], nowMs: T0 + 1 })).toBe(true);
    expect(await setRunStatus(store.db, { id, status: 'running', from: ['pending'], nowMs: T0 + 2 })).toBe(false);
    expect(await setRunStatus(store.db, { id, status: 'failed', from: ['running'], error: { code: 'step_error', message: 'boom' }, nowMs: T0 + 3 })).toBe(true);
    const failed = (await findRun(store.db, id))?.run;
    expect(failed?.status).toBe('failed');
    expect(Number(failed?.finished_at)).toBe(T0 + 3);
    expect(JSON.parse(failed?.error ?? 'null')).toEqual({ code: 'step_error', message: 'boom' });
  });

  it('cancels only unfinished runs', async () => {
    const [a, b] = await start('evt_1', ['route-a', 'route-b']);
    expect(await cancelRun(store.db, { id: a?.id ?? '', nowMs: T0 + 1 })).toBe('cancelled');
    expect(await cancelRun(store.db, { id: a?.id ?? '', nowMs: T0 + 2 })).toBe('finished');
    await setRunStatus(store.db, { id: b?.id ?? '', status: 'succeeded', from: ['pending'], nowMs: T0 + 1 });
    expect(await cancelRun(store.db, { id: b?.id ?? '', nowMs: T0 + 2 })).toBe('finished');
    expect(await cancelRun(store.db, { id: 'nope', nowMs: T0 + 2 })).toBe('not_found');
    expect((await findRun(store.db, b?.id ?? ''))?.run.status).toBe('succeeded');
  });

  it('retries a failed run from its failed step: succeeded and later steps are untouched', async () => {
    const [run] = await start();
    const runId = run?.id ?? '';
    await recordStepStart(store.db, { runId, stepName: 'triage', position: 0, kind: 'agent', input: {}, nowMs: T0 + 1 });
    await recordStepResult(store.db, { runId, stepName: 'triage', result: { status: 'succeeded', output: { level: 'HIGH' } }, nowMs: T0 + 2 });
    await recordStepStart(store.db, { runId, stepName: 'summary', position: 1, kind: 'transform', input: undefined, nowMs: T0 + 3 });
    await recordStepResult(store.db, { runId, stepName: 'summary', result: { status: 'failed', error: { code: 'expression_failed', message: 'bad' } }, nowMs: T0 + 4 });
    expect(await retryFailedRun(store.db, { id: runId, nowMs: T0 + 5 })).toBe('not_failed');
    await setRunStatus(store.db, { id: runId, status: 'failed', from: ['pending'], error: { code: 'expression_failed', message: 'bad' }, nowMs: T0 + 5 });

    expect(await retryFailedRun(store.db, { id: runId, nowMs: T0 + 6 })).toBe('retried');
    const found = await findRun(store.db, runId);
    expect(found?.run).toMatchObject({ status: 'pending', error: null, finished_at: null });
    expect(found?.steps.map((s) => [s.step_name, s.status, Number(s.attempts)])).toEqual([
      ['triage', 'succeeded', 1],
      ['summary', 'pending', 0],
      ['announce', 'pending', 0],
    ]);
    expect(JSON.parse(found?.steps[0]?.output ?? 'null')).toEqual({ level: 'HIGH' });
    expect(await retryFailedRun(store.db, { id: 'nope', nowMs: T0 + 7 })).toBe('not_found');
  });

  it('records one notify request per (run, step), in the caller transaction', async () => {
    const request = { user_ids: ['u1'], body: 'hello', strategy: 'all' as const };
    const first = await insertNotifyRequest(store.db, { runId: 'run-1', stepName: 'page', request, nowMs: T0 });
    const again = await insertNotifyRequest(store.db, { runId: 'run-1', stepName: 'page', request: { ...request, body: 'other' }, nowMs: T0 + 1 });
    expect(first.status).toBe('inserted');
    expect(again).toEqual({ status: 'duplicate', id: first.id });

    const failure = new Error('rolled back');
    await expect(
      store.db.transaction().execute(async (trx) => {
        await insertNotifyRequest(trx, { runId: 'run-1', stepName: 'other', request, nowMs: T0 });
        throw failure;
      }),
    ).rejects.toBe(failure);
    const rows = await store.db.selectFrom('notify_outbox').selectAll().execute();
    expect(rows.map((r) => [r.step_name, r.status, JSON.parse(r.request)])).toEqual([['page', 'pending', request]]);
  });
});
