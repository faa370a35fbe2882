import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StepDefinition } from '../../src/routing/route-definition.js';
import { RUNS_QUEUE } from '../../src/runs/run-queue.js';
import type { RunStepsTable } from '../../src/store/database.js';
import { claimDueJobs } from '../../src/store/jobs/claim-due-jobs.js';
import type { JobClaim } from '../../src/store/jobs/job-claim.js';
import { cancelRun } from '../../src/store/runs/cancel-run.js';
import { commitRunProgress, type RunProgress } from '../../src/store/runs/commit-run-progress.js';
import { insertRunStarts } from '../../src/store/runs/insert-run-starts.js';
import type { RunStartRows } from '../../src/store/runs/run-start-rows.js';
import { runStart } from '../store/ingest-fixtures.js';
import { dialects } from '../support/test-database.js';
import { startTestSwitchboard, type TestSwitchboard } from '../support/test-switchboard.js';

interface ErrorBody {
  error: { code: string; message: string; details?: Array<{ path: string; message: string }> };
}
interface RunBody {
  id: string;
  event_id: string;
  route_id: string;
  status: string;
  error: unknown;
  finished_at: string | null;
  plan: StepDefinition[];
  steps: Array<{ name: string; status: string; attempts: number; input: unknown; output: unknown; error: unknown; started_at: string | null; ended_at: string | null }>;
}
interface ListBody {
  runs: Array<{ id: string; event_id: string; route_id: string; status: string }>;
  next_cursor: string | null;
}

const T0 = Date.parse('2025-01-01T00:00:00.000Z');
const steps: StepDefinition[] = [
  { name: 'triage', kind: 'agent', agent: 'triage', with: { alert: 'event.data' } },
  { name: 'summary', kind: 'transform', expression: 'steps.triage' },
  { name: 'announce', kind: 'emit', type: 'alert.triaged', data: 'steps.summary' },
];

describe.each(dialects)('runs API (%s)', (dialect) => {
  let sb: TestSwitchboard;
  const now = { t: T0 };
  beforeAll(async () => {
    // No worker: the runs these tests start stay as the tests commit them.
    sb = await startTestSwitchboard({ dialect, clock: { nowMs: () => now.t }, config: { 'runs.worker': false } });
  });
  afterAll(async () => {
    await sb.stop();
  });

  const call = (method: 'GET' | 'POST', url: string, headers: Record<string, string> = sb.auth) => sb.app.inject({ method, url, headers });
  /** The rows ingest writes to start a run of `routeId` (plan = `steps`); its job is due at `dueAt`. */
  const startRows = (eventId: string, routeId: string, dueAt = now.t): RunStartRows => {
    const rows = runStart(eventId, routeId, now.t);
    return { run: { ...rows.run, plan: JSON.stringify(steps) }, job: { ...rows.job, run_at: dueAt } };
  };
  /** Starts one run per route for an event; the run ids, in the routes' order. */
  const start = async (eventId: string, routeIds: string[]) => {
    now.t += 10;
    return insertRunStarts(sb.store.db, routeIds.map((routeId) => startRows(eventId, routeId)));
  };
  /** The executor's write, in its own transaction. */
  const commit = (progress: Pick<RunProgress, 'runId' | 'run' | 'nowMs'> & Partial<RunProgress>) =>
    sb.store.db.transaction().execute((trx) => commitRunProgress(trx, { steps: [], events: [], notifications: [], ...progress }));
  const step = (runId: string, name: string, position: number, kind: string, fields: Pick<RunStepsTable, 'status' | 'attempts' | 'started_at' | 'finished_at'> & Partial<RunStepsTable>): RunStepsTable =>
    ({ run_id: runId, step_name: name, position, kind, input: null, output: null, error: null, ...fields });
  const jobOf = (runId: string) => sb.store.db.selectFrom('jobs').selectAll().where('queue', '=', RUNS_QUEUE).where('dedupe_key', '=', runId).executeTakeFirstOrThrow();

  /**
   * A run whose triage succeeded and whose summary failed on its second attempt, committed as the
   * executor commits it. Its job is due before every other test's pending job, so each claim takes it.
   */
  const failedRun = async (eventId: string) => {
    now.t += 10;
    const dueAt = T0 - 1_000;
    const rows = startRows(eventId, 'route-f', dueAt);
    const [runId = ''] = await insertRunStarts(sb.store.db, [rows]);
    const claim = async (nowMs: number): Promise<JobClaim> => {
      const [job] = await claimDueJobs(sb.store.db, { dialect, workerId: 'w1', queues: [RUNS_QUEUE], limit: 1, leaseMs: 60_000, nowMs });
      if (job?.id !== rows.job.id) throw new Error(`expected to claim the job of run ${runId}`);
      return { id: job.id, workerId: 'w1', attempt: Number(job.attempts) };
    };
    const error = { code: 'expression_failed', message: 'bad' };
    const summaryFailed = (attempts: number, startedAt: number) =>
      step(runId, 'summary', 1, 'transform', { status: 'failed', attempts, error: JSON.stringify(error), started_at: startedAt, finished_at: startedAt + 1 });
    const triage = step(runId, 'triage', 0, 'agent', {
      status: 'succeeded', attempts: 1, input: JSON.stringify({ alert: { severity: 'critical' } }), output: JSON.stringify({ level: 'CRITICAL' }), started_at: now.t + 1, finished_at: now.t + 2,
    });
    const first = await claim(dueAt);
    await commit({ runId, steps: [triage, summaryFailed(1, now.t + 3)], run: { status: 'running' }, job: { claim: first, outcome: 'failed', error, disposition: { retryAtMs: dueAt + 1 } }, nowMs: now.t + 4 });
    const second = await claim(dueAt + 1);
    await commit({ runId, steps: [summaryFailed(2, now.t + 5)], run: { status: 'failed', error: { ...error, step: 'summary' } }, job: { claim: second, outcome: 'failed', error, disposition: 'dead' }, nowMs: now.t + 7 });
    return runId;
  };

  it('answers 401 without the admin key, on every runs call', async () => {
    for (const [method, url] of [['GET', '/api/v1/runs'], ['GET', '/api/v1/runs/x'], ['POST', '/api/v1/runs/x/cancel'], ['POST', '/api/v1/runs/x/retry']] as const) {
      const response = await call(method, url, { authorization: 'Bearer wrong-key-000000000000' });
      expect(response.statusCode, `${method} ${url}`).toBe(401);
      expect(response.json<ErrorBody>().error.code).toBe('unauthorized');
    }
  });

  it('answers 404 run_not_found for an unknown id on get, cancel and retry', async () => {
    for (const [method, url] of [['GET', '/api/v1/runs/nope'], ['POST', '/api/v1/runs/nope/cancel'], ['POST', '/api/v1/runs/nope/retry']] as const) {
      const response = await call(method, url);
      expect(response.statusCode, `${method} ${url}`).toBe(404);
      expect(response.json<ErrorBody>().error.code).toBe('run_not_found');
    }
  });

  it('shows one run with its plan and every step: input, output, status, attempts, error, start and end', async () => {
    const runId = await failedRun('evt_show');
    const response = await call('GET', `/api/v1/runs/${runId}`);
    expect(response.statusCode).toBe(200);
    const body = response.json<RunBody>();
    expect(body).toMatchObject({ id: runId, event_id: 'evt_show', route_id: 'route-f', status: 'failed', finished_at: new Date(now.t + 7).toISOString() });
    expect(body.error).toEqual({ code: 'expression_failed', message: 'bad', step: 'summary' });
    expect(body.plan).toEqual(steps);
    expect(body.steps).toEqual([
      {
        name: 'triage', position: 0, kind: 'agent', status: 'succeeded', attempts: 1,
        input: { alert: { severity: 'critical' } }, output: { level: 'CRITICAL' }, error: null,
        started_at: new Date(now.t + 1).toISOString(), ended_at: new Date(now.t + 2).toISOString(),
      },
      {
        name: 'summary', position: 1, kind: 'transform', status: 'failed', attempts: 2,
        input: null, output: null, error: { code: 'expression_failed', message: 'bad' },
        started_at: new Date(now.t + 5).toISOString(), ended_at: new Date(now.t + 6).toISOString(),
      },
    ]);
  });

  it('lists newest first, filters by event_id, route and status, and pages with a cursor', async () => {
    await start('evt_list_1', ['list-a', 'list-b']);
    await start('evt_list_2', ['list-a']);
    const [cancelled] = await start('evt_list_3', ['list-a']);
    expect(await cancelRun(sb.store.db, { id: cancelled ?? '', nowMs: now.t })).toBe('cancelled');

    const byRoute = (await call('GET', '/api/v1/runs?route=list-a')).json<ListBody>();
    expect(byRoute.runs.map((r) => r.event_id)).toEqual(['evt_list_3', 'evt_list_2', 'evt_list_1']);
    const byEvent = (await call('GET', '/api/v1/runs?event_id=evt_list_1')).json<ListBody>();
    expect(byEvent.runs.map((r) => r.route_id).sort()).toEqual(['list-a', 'list-b']);
    const byStatus = (await call('GET', '/api/v1/runs?status=cancelled&route=list-a')).json<ListBody>();
    expect(byStatus.runs.map((r) => r.id)).toEqual([cancelled]);

    const first = (await call('GET', '/api/v1/runs?route=list-a&limit=2')).json<ListBody>();
    expect(first.runs).toHaveLength(2);
    expect(first.next_cursor).not.toBeNull();
    const second = (await call('GET', `/api/v1/runs?route=list-a&limit=2&cursor=${first.next_cursor ?? ''}`)).json<ListBody>();
    expect([...first.runs, ...second.runs].map((r) => r.id)).toEqual(byRoute.runs.map((r) => r.id));
    expect(second.next_cursor).toBeNull();
  });

  it('answers 400 for a bad cursor, status or limit, in the error format', async () => {
    for (const [url, code] of [
      ['/api/v1/runs?cursor=not-a-cursor', 'cursor_invalid'],
      ['/api/v1/runs?status=done', 'validation_failed'],
      ['/api/v1/runs?limit=0', 'validation_failed'],
      ['/api/v1/runs?limit=abc', 'validation_failed'],
    ] as const) {
      const response = await call('GET', url);
      expect(response.statusCode, url).toBe(400);
      expect(response.json<ErrorBody>().error.code, url).toBe(code);
    }
  });

  it('cancels a pending or running run, and answers 409 run_finished for a finished one without changing it', async () => {
    const [pending = '', running = ''] = await start('evt_cancel', ['cancel-a', 'cancel-b']);
    expect(await commit({ runId: running, run: { status: 'running' }, nowMs: now.t })).toEqual({ status: 'committed', startedRuns: 0 });
    for (const id of [pending, running]) {
      const response = await call('POST', `/api/v1/runs/${id}/cancel`);
      expect(response.statusCode).toBe(200);
      expect(response.json<RunBody>()).toMatchObject({ id, status: 'cancelled', finished_at: new Date(now.t).toISOString() });
    }

    const failedId = await failedRun('evt_cancel_failed');
    for (const id of [pending, failedId]) {
      const before = (await call('GET', `/api/v1/runs/${id}`)).json<RunBody>();
      const again = await call('POST', `/api/v1/runs/${id}/cancel`);
      expect(again.statusCode).toBe(409);
      expect(again.json<ErrorBody>().error.code).toBe('run_finished');
      expect((await call('GET', `/api/v1/runs/${id}`)).json<RunBody>()).toEqual(before);
    }
  });

  it('retries a failed run from its failed step, and answers 409 run_not_failed otherwise without changing it', async () => {
    const runId = await failedRun('evt_retry');
    const retried = await call('POST', `/api/v1/runs/${runId}/retry`);
    expect(retried.statusCode).toBe(200);
    const body = retried.json<RunBody>();
    expect(body).toMatchObject({ status: 'pending', error: null, finished_at: null });
    expect(body.steps.map((s) => [s.name, s.status, s.attempts])).toEqual([
      ['triage', 'succeeded', 1],
      ['summary', 'pending', 0],
    ]);
    expect(body.steps[0]?.output).toEqual({ level: 'CRITICAL' });
    expect(body.plan).toEqual(steps); // route-f is not in the route table: the run keeps its plan
    // The run's dead job is back to pending, due now, so a worker executes the retry.
    expect(await jobOf(runId)).toMatchObject({ status: 'pending', attempts: 0, run_at: now.t, locked_by: null, finished_at: null });

    const before = (await call('GET', `/api/v1/runs/${runId}`)).json<RunBody>();
    const again = await call('POST', `/api/v1/runs/${runId}/retry`);
    expect(again.statusCode).toBe(409);
    expect(again.json<ErrorBody>().error.code).toBe('run_not_failed');
    expect((await call('GET', `/api/v1/runs/${runId}`)).json<RunBody>()).toEqual(before);
  });
});
