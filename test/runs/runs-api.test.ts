import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StepDefinition } from '../../src/routing/route-definition.js';
import { insertRuns } from '../../src/store/runs/insert-runs.js';
import { recordStepResult } from '../../src/store/runs/record-step-result.js';
import { recordStepStart } from '../../src/store/runs/record-step-start.js';
import { setRunStatus } from '../../src/store/runs/set-run-status.js';
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
    sb = await startTestSwitchboard({ dialect, clock: { nowMs: () => now.t } });
  });
  afterAll(async () => {
    await sb.stop();
  });

  const call = (method: 'GET' | 'POST', url: string, headers: Record<string, string> = sb.auth) => sb.app.inject({ method, url, headers });
  const start = async (eventId: string, routeIds: string[]) => {
    now.t += 10;
    return insertRuns(sb.store.db, { eventId, routes: routeIds.map((id) => ({ id, steps })), nowMs: now.t });
  };
  /** A run whose triage succeeded and whose summary failed on its second attempt. */
  const failedRun = async (eventId: string) => {
    const [run] = await start(eventId, ['route-f']);
    const runId = run?.id ?? '';
    const db = sb.store.db;
    await setRunStatus(db, { id: runId, status: 'running', from: ['pending'], nowMs: now.t });
    await recordStepStart(db, { runId, stepName: 'triage', position: 0, kind: 'agent', input: { alert: { severity: 'critical' } }, nowMs: now.t + 1 });
    await recordStepResult(db, { runId, stepName: 'triage', result: { status: 'succeeded', output: { level: 'CRITICAL' } }, nowMs: now.t + 2 });
    for (const attempt of [3, 5]) {
      await recordStepStart(db, { runId, stepName: 'summary', position: 1, kind: 'transform', input: undefined, nowMs: now.t + attempt });
      await recordStepResult(db, { runId, stepName: 'summary', result: { status: 'failed', error: { code: 'expression_failed', message: 'bad' } }, nowMs: now.t + attempt + 1 });
    }
    await setRunStatus(db, { id: runId, status: 'failed', from: ['running'], error: { code: 'expression_failed', message: 'bad' }, nowMs: now.t + 7 });
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
    expect(body).toMatchObject({ id: runId, event_id: 'evt_show', route_id: 'route-f', status: 'failed', error: { code: 'expression_failed', message: 'bad' } });
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
      { name: 'announce', position: 2, kind: 'emit', status: 'pending', attempts: 0, input: null, output: null, error: null, started_at: null, ended_at: null },
    ]);
  });

  it('lists newest first, filters by event_id, route and status, and pages with a cursor', async () => {
    await start('evt_list_1', ['list-a', 'list-b']);
    await start('evt_list_2', ['list-a']);
    const [cancelled] = await start('evt_list_3', ['list-a']);
    await setRunStatus(sb.store.db, { id: cancelled?.id ?? '', status: 'cancelled', from: ['pending'], nowMs: now.t });

    const byRoute = (await call('GET', '/api/v1/runs?route=list-a')).json<ListBody>();
    expect(byRoute.runs.map((r) => r.event_id)).toEqual(['evt_list_3', 'evt_list_2', 'evt_list_1']);
    const byEvent = (await call('GET', '/api/v1/runs?event_id=evt_list_1')).json<ListBody>();
    expect(byEvent.runs.map((r) => r.route_id).sort()).toEqual(['list-a', 'list-b']);
    const byStatus = (await call('GET', '/api/v1/runs?status=cancelled&route=list-a')).json<ListBody>();
    expect(byStatus.runs.map((r) => r.id)).toEqual([cancelled?.id]);

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
    const [pending, running] = await start('evt_cancel', ['cancel-a', 'cancel-b']);
    await setRunStatus(sb.store.db, { id: running?.id ?? '', status: 'running', from: ['pending'], nowMs: now.t });
    for (const run of [pending, running]) {
      const response = await call('POST', `/api/v1/runs/${run?.id ?? ''}/cancel`);
      expect(response.statusCode).toBe(200);
      expect(response.json<RunBody>()).toMatchObject({ id: run?.id, status: 'cancelled', finished_at: new Date(now.t).toISOString() });
    }

    const failedId = await failedRun('evt_cancel_failed');
    for (const id of [pending?.id ?? '', failedId]) {
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
      ['announce', 'pending', 0],
    ]);
    expect(body.steps[0]?.output).toEqual({ level: 'CRITICAL' });

    const before = (await call('GET', `/api/v1/runs/${runId}`)).json<RunBody>();
    const again = await call('POST', `/api/v1/runs/${runId}/retry`);
    expect(again.statusCode).toBe(409);
    expect(again.json<ErrorBody>().error.code).toBe('run_not_failed');
    expect((await call('GET', `/api/v1/runs/${runId}`)).json<RunBody>()).toEqual(before);
  });
});
