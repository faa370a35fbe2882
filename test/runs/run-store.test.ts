import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StepDefinition } from '../../src/routing/route-definition.js';
import { RUNS_QUEUE } from '../../src/runs/run-queue.js';
import type { RunStepsTable } from '../../src/store/database.js';
import { claimDueJobs } from '../../src/store/jobs/claim-due-jobs.js';
import type { JobClaim } from '../../src/store/jobs/job-claim.js';
import { cancelRun } from '../../src/store/runs/cancel-run.js';
import { commitRunProgress, type RunProgress, type RunProgressOutcome } from '../../src/store/runs/commit-run-progress.js';
import { findRun } from '../../src/store/runs/find-run.js';
import { insertRunStarts } from '../../src/store/runs/insert-run-starts.js';
import { listRuns } from '../../src/store/runs/list-runs.js';
import { replayRunJob } from '../../src/store/runs/replay-run-job.js';
import { retryFailedRun } from '../../src/store/runs/retry-failed-run.js';
import { setRunStatus } from '../../src/store/runs/set-run-status.js';
import type { Store } from '../../src/store/store.js';
import { runStart } from '../store/ingest-fixtures.js';
import { dialects, openTestStore } from '../support/test-database.js';

const T0 = 1_700_000_000_000;

const steps: StepDefinition[] = [
  { name: 'triage', kind: 'agent', agent: 'triage', with: { alert: 'event.data' } },
  { name: 'summary', kind: 'transform', expression: 'steps.triage' },
  { name: 'announce', kind: 'emit', type: 'alert.triaged', data: 'steps.summary' },
];

const json = (value: unknown): string => JSON.stringify(value);
const committed: RunProgressOutcome = { status: 'committed', startedRuns: 0 };

/** A step row as the executor writes it when an attempt ends (the engine writes no row before that). */
function stepRow(runId: string, name: string, position: number, kind: string, fields: Pick<RunStepsTable, 'status'> & Partial<RunStepsTable>): RunStepsTable {
  return { run_id: runId, step_name: name, position, kind, input: null, output: null, attempts: 1, error: null, started_at: null, finished_at: null, ...fields };
}

describe.each(dialects)('run store (%s)', (dialect) => {
  let store: Store;
  let close: () => Promise<void>;
  beforeEach(async () => {
    ({ store, close } = await openTestStore(dialect));
  });
  afterEach(async () => {
    await close();
  });

  /** Starts one run per route for an event, as ingest does (run + job, plan = `steps`); the ids of the runs created. */
  const start = async (eventId = 'evt_1', routeIds = ['route-a'], nowMs = T0): Promise<string[]> =>
    insertRunStarts(
      store.db,
      routeIds.map((routeId) => {
        const rows = runStart(eventId, routeId, nowMs);
        return { ...rows, run: { ...rows.run, plan: json(steps) } };
      }),
    );

  /** Claims the run's job as a worker does before executing it; the test's only due job. */
  const claim = async (runId: string, nowMs: number): Promise<JobClaim> => {
    const [job] = await claimDueJobs(store.db, { dialect, workerId: 'w1', queues: [RUNS_QUEUE], limit: 1, leaseMs: 60_000, nowMs });
    if (job === undefined || job.dedupe_key !== runId) throw new Error(`expected to claim the job of run ${runId}`);
    return { id: job.id, workerId: 'w1', attempt: Number(job.attempts) };
  };

  /** The executor's write, in its own transaction. */
  const commit = (progress: Pick<RunProgress, 'runId' | 'run' | 'nowMs'> & Partial<RunProgress>) =>
    store.db.transaction().execute((trx) => commitRunProgress(trx, { steps: [], events: [], notifications: [], ...progress }));

  const jobOf = (runId: string) => store.db.selectFrom('jobs').selectAll().where('queue', '=', RUNS_QUEUE).where('dedupe_key', '=', runId).executeTakeFirstOrThrow();

  const bad = { code: 'expression_failed', message: 'bad' };

  /** A run whose triage succeeded and whose summary failed for good: run failed, job dead (the executor's path). */
  const failedRun = async (eventId: string, routeId: string, nowMs: number): Promise<string> => {
    const [runId = ''] = await start(eventId, [routeId], nowMs);
    const attempt = await claim(runId, nowMs);
    expect(
      await commit({
        runId,
        steps: [
          stepRow(runId, 'triage', 0, 'agent', { status: 'succeeded', input: json({}), output: json({ level: 'HIGH' }), started_at: nowMs + 1, finished_at: nowMs + 2 }),
          stepRow(runId, 'summary', 1, 'transform', { status: 'failed', error: json(bad), started_at: nowMs + 3, finished_at: nowMs + 4 }),
        ],
        run: { status: 'failed', error: { ...bad, step: 'summary' } },
        job: { claim: attempt, outcome: 'failed', error: bad, disposition: 'dead' },
        nowMs: nowMs + 4,
      }),
    ).toEqual(committed);
    return runId;
  };

  it('starts one pending run per route with its plan and its job, and no step rows until a step finishes', async () => {
    const ids = await start('evt_1', ['route-a', 'route-b']);
    expect(ids).toHaveLength(2);
    const found = await Promise.all(ids.map((id) => findRun(store.db, id)));
    expect(found.map((f) => f?.run.route_id)).toEqual(['route-a', 'route-b']);
    expect(found[0]?.run).toMatchObject({ event_id: 'evt_1', route_id: 'route-a', status: 'pending', error: null, finished_at: null });
    expect(JSON.parse(found[0]?.run.plan ?? 'null')).toEqual(steps);
    expect(found.map((f) => f?.steps)).toEqual([[], []]);
    for (const id of ids) expect(await jobOf(id)).toMatchObject({ status: 'pending', attempts: 0, payload: json({ run_id: id }) });
    expect(await findRun(store.db, 'nope')).toBeUndefined();
  });

  it('is idempotent per (event, route): starting again skips the existing run and its job', async () => {
    const [first] = await start('evt_1', ['route-a']);
    const again = await start('evt_1', ['route-a', 'route-b'], T0 + 5);
    expect(again).toHaveLength(1);
    const runs = await listRuns(store.db, { limit: 10 });
    expect(runs).toHaveLength(2);
    expect(runs.find((r) => r.route_id === 'route-a')?.id).toBe(first);
    expect(runs.find((r) => r.route_id === 'route-b')?.id).toBe(again[0]);
    const jobs = await store.db.selectFrom('jobs').select('dedupe_key').execute();
    expect(jobs.map((j) => j.dedupe_key).sort()).toEqual(runs.map((r) => r.id).sort());
  });

  it('lists newest first, filters by event, route and status, and pages by id', async () => {
    await start('evt_1', ['route-a'], T0);
    await start('evt_2', ['route-a', 'route-b'], T0 + 1);
    const [third = ''] = await start('evt_3', ['route-b'], T0 + 2);
    expect(await commit({ runId: third, run: { status: 'running' }, nowMs: T0 + 3 })).toEqual(committed);

    const all = await listRuns(store.db, { limit: 10 });
    expect(all.map((r) => r.event_id)).toEqual(['evt_3', 'evt_2', 'evt_2', 'evt_1']);
    expect((await listRuns(store.db, { eventId: 'evt_2', limit: 10 })).map((r) => r.route_id).sort()).toEqual(['route-a', 'route-b']);
    expect((await listRuns(store.db, { routeId: 'route-a', limit: 10 })).map((r) => r.event_id)).toEqual(['evt_2', 'evt_1']);
    expect((await listRuns(store.db, { status: 'running', limit: 10 })).map((r) => r.id)).toEqual([third]);

    const page1 = await listRuns(store.db, { limit: 2 });
    const page2 = await listRuns(store.db, { limit: 2, beforeId: page1[1]?.id });
    expect([...page1, ...page2].map((r) => r.id)).toEqual(all.map((r) => r.id));
  });

  it('keeps the last attempt of a failing step, and never overwrites a succeeded step', async () => {
    const [runId = ''] = await start();
    const input = json({ alert: { x: 1 } });
    const boom = { code: 'step_error', message: 'boom' };

    const first = await claim(runId, T0 + 1);
    expect(first.attempt).toBe(1);
    const failedAttempt = stepRow(runId, 'triage', 0, 'agent', { status: 'failed', input, attempts: 1, error: json(boom), started_at: T0 + 1, finished_at: T0 + 2 });
    expect(await commit({ runId, steps: [failedAttempt], run: { status: 'running' }, job: { claim: first, outcome: 'failed', error: boom, disposition: { retryAtMs: T0 + 3 } }, nowMs: T0 + 2 })).toEqual(committed);
    expect((await findRun(store.db, runId))?.steps).toEqual([failedAttempt]);

    const second = await claim(runId, T0 + 3);
    expect(second.attempt).toBe(2);
    const success = { input, attempts: 2, started_at: T0 + 3, finished_at: T0 + 4 };
    expect(await commit({ runId, steps: [stepRow(runId, 'triage', 0, 'agent', { status: 'succeeded', output: json({ level: 'HIGH' }), ...success })], run: { status: 'running' }, nowMs: T0 + 4 })).toEqual(committed);

    // Late or duplicate attempts commit, but the succeeded row stands.
    const late = { attempts: 3, started_at: T0 + 5, finished_at: T0 + 6 };
    expect(await commit({ runId, steps: [stepRow(runId, 'triage', 0, 'agent', { status: 'succeeded', output: json({ level: 'LOW' }), ...late })], run: { status: 'running' }, nowMs: T0 + 6 })).toEqual(committed);
    expect(await commit({ runId, steps: [stepRow(runId, 'triage', 0, 'agent', { status: 'failed', error: json({ code: 'x', message: 'y' }), ...late })], run: { status: 'running' }, nowMs: T0 + 6 })).toEqual(committed);

    const step = (await findRun(store.db, runId))?.steps[0];
    expect(step).toMatchObject({ status: 'succeeded', error: null });
    expect(Number(step?.attempts)).toBe(2);
    expect(Number(step?.started_at)).toBe(T0 + 3);
    expect(Number(step?.finished_at)).toBe(T0 + 4);
    expect(JSON.parse(step?.output ?? 'null')).toEqual({ level: 'HIGH' });
    expect(JSON.parse(step?.input ?? 'null')).toEqual({ alert: { x: 1 } });
  });

  it('returns the steps in plan order, a branch\'s chosen steps after it, whatever order they were written in', async () => {
    const [runId = ''] = await start();
    const chosen = [{ name: 'page_oncall', kind: 'notify', to: '"u1"', body: '"hi"' }];
    const done = { status: 'succeeded' as const, output: json(null) };
    await commit({ runId, steps: [stepRow(runId, 'route', 1, 'branch', { ...done, output: json({ steps: chosen }) }), stepRow(runId, 'triage', 0, 'agent', done)], run: { status: 'running' }, nowMs: T0 + 1 });
    await commit({ runId, steps: [stepRow(runId, 'summary', 3, 'transform', done), stepRow(runId, 'page_oncall', 2, 'notify', done)], run: { status: 'running' }, nowMs: T0 + 2 });
    const found = (await findRun(store.db, runId))?.steps;
    expect(found?.map((s) => [s.step_name, Number(s.position)])).toEqual([
      ['triage', 0],
      ['route', 1],
      ['page_oncall', 2],
      ['summary', 3],
    ]);
  });

  it('moves run status only from the given statuses, setting finished_at on finishing', async () => {
    const [id = ''] = await start();
    expect(await setRunStatus(store.db, { id, status: 'running', from: ['pending'], nowMs: T0 + 1 })).toBe(true);
    expect(await setRunStatus(store.db, { id, status: 'running', from: ['pending'], nowMs: T0 + 2 })).toBe(false);
    expect(await setRunStatus(store.db, { id, status: 'failed', from: ['running'], error: { code: 'step_error', message: 'boom' }, nowMs: T0 + 3 })).toBe(true);
    const failed = (await findRun(store.db, id))?.run;
    expect(failed?.status).toBe('failed');
    expect(Number(failed?.finished_at)).toBe(T0 + 3);
    expect(JSON.parse(failed?.error ?? 'null')).toEqual({ code: 'step_error', message: 'boom' });
  });

  it('cancels only unfinished runs, and discards what the executor commits afterwards', async () => {
    const [a = '', b = ''] = await start('evt_1', ['route-a', 'route-b']);
    expect(await cancelRun(store.db, { id: a, nowMs: T0 + 1 })).toBe('cancelled');
    expect(await cancelRun(store.db, { id: a, nowMs: T0 + 2 })).toBe('finished');
    const late = stepRow(a, 'triage', 0, 'agent', { status: 'succeeded', output: json({ level: 'HIGH' }) });
    expect(await commit({ runId: a, steps: [late], run: { status: 'succeeded' }, nowMs: T0 + 2 })).toEqual({ status: 'run_finished' });
    const cancelled = await findRun(store.db, a);
    expect(cancelled?.run).toMatchObject({ status: 'cancelled', finished_at: T0 + 1 });
    expect(cancelled?.steps).toEqual([]);

    expect(await commit({ runId: b, run: { status: 'succeeded' }, nowMs: T0 + 1 })).toEqual(committed);
    expect(await cancelRun(store.db, { id: b, nowMs: T0 + 2 })).toBe('finished');
    expect(await cancelRun(store.db, { id: 'nope', nowMs: T0 + 2 })).toBe('not_found');
    expect((await findRun(store.db, b))?.run.status).toBe('succeeded');
  });

  it('retries a failed run from its failed step and replays its dead job: succeeded steps are untouched', async () => {
    const [runId = ''] = await start();
    const attempt = await claim(runId, T0 + 1);
    await commit({ runId, steps: [stepRow(runId, 'triage', 0, 'agent', { status: 'succeeded', input: json({}), output: json({ level: 'HIGH' }), started_at: T0 + 1, finished_at: T0 + 2 })], run: { status: 'running' }, nowMs: T0 + 2 });
    expect(await retryFailedRun(store.db, { id: runId, nowMs: T0 + 3 })).toBe('not_failed');
    expect(await replayRunJob(store.db, { queue: RUNS_QUEUE, runId, nowMs: T0 + 3 })).toBe(false);
    await commit({
      runId,
      steps: [stepRow(runId, 'summary', 1, 'transform', { status: 'failed', error: json(bad), started_at: T0 + 3, finished_at: T0 + 4 })],
      run: { status: 'failed', error: { ...bad, step: 'summary' } },
      job: { claim: attempt, outcome: 'failed', error: bad, disposition: 'dead' },
      nowMs: T0 + 4,
    });
    expect(await jobOf(runId)).toMatchObject({ status: 'dead', finished_at: T0 + 4 });

    // As the retry call does: the run and its job change in one transaction.
    const outcome = await store.db.transaction().execute(async (trx) => [
      await retryFailedRun(trx, { id: runId, nowMs: T0 + 6 }),
      await replayRunJob(trx, { queue: RUNS_QUEUE, runId, nowMs: T0 + 6 }),
    ]);
    expect(outcome).toEqual(['retried', true]);
    const found = await findRun(store.db, runId);
    expect(found?.run).toMatchObject({ status: 'pending', error: null, finished_at: null });
    expect(JSON.parse(found?.run.plan ?? 'null')).toEqual(steps);
    expect(found?.steps.map((s) => [s.step_name, s.status, Number(s.attempts)])).toEqual([
      ['triage', 'succeeded', 1],
      ['summary', 'pending', 0],
    ]);
    expect(JSON.parse(found?.steps[0]?.output ?? 'null')).toEqual({ level: 'HIGH' });
    expect(found?.steps[1]).toMatchObject({ started_at: null, finished_at: null });
    expect(JSON.parse(found?.steps[1]?.error ?? 'null')).toEqual(bad); // kept for the record
    expect(await jobOf(runId)).toMatchObject({ status: 'pending', attempts: 0, run_at: T0 + 6, locked_by: null, locked_until: null, finished_at: null });

    // The replayed job is claimed again from attempt 1; there is no dead job left to replay.
    expect((await claim(runId, T0 + 7)).attempt).toBe(1);
    expect(await replayRunJob(store.db, { queue: RUNS_QUEUE, runId, nowMs: T0 + 8 })).toBe(false);
    expect(await retryFailedRun(store.db, { id: runId, nowMs: T0 + 8 })).toBe('not_failed');
    expect(await retryFailedRun(store.db, { id: 'nope', nowMs: T0 + 8 })).toBe('not_found');
  });

  it('retries with the route\'s current steps as the plan, and keeps the plan when the route is gone', async () => {
    const kept = await failedRun('evt_1', 'route-gone', T0);
    const replanned = await failedRun('evt_2', 'route-a', T0 + 10);
    const current: StepDefinition[] = [{ name: 'summary', kind: 'transform', expression: '"fixed"' }];
    const planOf = (routeId: string) => (routeId === 'route-a' ? json(current) : undefined);
    for (const id of [kept, replanned]) expect(await retryFailedRun(store.db, { id, nowMs: T0 + 20, planOf })).toBe('retried');
    expect(JSON.parse((await findRun(store.db, kept))?.run.plan ?? 'null')).toEqual(steps);
    expect(JSON.parse((await findRun(store.db, replanned))?.run.plan ?? 'null')).toEqual(current);
  });

  it('records one notification request per (run, step), only when its commit does', async () => {
    const [runId = ''] = await start();
    const request = { user_ids: ['u1'], body: 'hello', strategy: 'all' as const };
    const note = (id: string, stepName: string, body: string) => ({ id, run_id: runId, step_name: stepName, request: json({ ...request, body }), status: 'pending' as const, created_at: T0 });
    expect(await commit({ runId, notifications: [note('n-1', 'page', 'hello')], run: { status: 'running' }, nowMs: T0 + 1 })).toEqual(committed);
    // A repeated attempt of the step records no second request.
    expect(await commit({ runId, notifications: [note('n-2', 'page', 'other')], run: { status: 'running' }, nowMs: T0 + 2 })).toEqual(committed);

    const failure = new Error('rolled back');
    await expect(
      store.db.transaction().execute(async (trx) => {
        await commitRunProgress(trx, { runId, steps: [], events: [], notifications: [note('n-3', 'other', 'hello')], run: { status: 'running' }, nowMs: T0 + 3 });
        throw failure;
      }),
    ).rejects.toBe(failure);
    const rows = await store.db.selectFrom('notify_outbox').selectAll().execute();
    expect(rows.map((r) => [r.id, r.step_name, r.status, JSON.parse(r.request)])).toEqual([['n-1', 'page', 'pending', request]]);
  });
});
