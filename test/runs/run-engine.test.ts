import { afterEach, describe, expect, it } from 'vitest';
import { dialects } from '../support/test-database.js';
import { startTestSwitchboard, type TestSwitchboard } from '../support/test-switchboard.js';

interface RunBody {
  id: string;
  event_id: string;
  route_id: string;
  status: string;
  error: { code: string; message: string; step?: string } | null;
  steps: Array<{ name: string; kind: string; status: string; attempts: number; input: unknown; output: unknown; error: unknown }>;
}

const alert = { alert_id: 'ALT-1', type: 'alert.created', severity: 'critical', alert_type: 'database', title: 'DB connections exhausted', affected_systems: ['orders-db'] };

/** triage → transform → emit, as the runs benchmark and seed 000 use it. */
const triageRoute = {
  id: 'triage-alerts',
  match: { source: 'alerts', type: 'alert.*' },
  steps: [
    { name: 'triage', kind: 'agent', agent: 'triage', with: { alert: 'event.data' } },
    { name: 'summary', kind: 'transform', expression: '{"alert": event.data.alert_id, "level": steps.triage.level}' },
    { name: 'announce', kind: 'emit', type: 'alert.triaged', data: 'steps.summary' },
  ],
};

describe.each(dialects)('run engine end to end (%s)', (dialect) => {
  let sb: TestSwitchboard | undefined;
  afterEach(async () => {
    await sb?.stop();
    sb = undefined;
  });

  async function start(config: Record<string, unknown> = {}, endpoint: Record<string, unknown> = {}): Promise<TestSwitchboard> {
    sb = await startTestSwitchboard({ dialect, listen: true, config });
    const registered = await api('POST', '/integration/webhooks/register', { endpoint_id: 'alerts', verification: { scheme: 'none' }, allow_unsigned: true, ...endpoint });
    expect(registered.status).toBe(201);
    return sb;
  }

  async function api(method: string, path: string, body?: unknown): Promise<{ status: number; json: <T>() => T; headers: Headers }> {
    if (sb === undefined) throw new Error('not started');
    const response = await fetch(`${sb.url}${path}`, {
      method,
      headers: { ...sb.auth, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, json: <T>() => JSON.parse(text) as T };
  }

  async function send(payload: unknown): Promise<{ status: number; json: <T>() => T; headers: Headers }> {
    if (sb === undefined) throw new Error('not started');
    const response = await fetch(`${sb.url}/integration/webhooks/alerts`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(payload) });
    const text = await response.text();
    return { status: response.status, headers: response.headers, json: <T>() => JSON.parse(text) as T };
  }

  async function runOf(eventId: string, until: (run: RunBody) => boolean = (run) => run.status === 'succeeded' || run.status === 'failed'): Promise<RunBody> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const list = await api('GET', `/api/v1/runs?event_id=${eventId}`);
      const first = list.json<{ runs: Array<{ id: string }> }>().runs[0];
      if (first !== undefined) {
        const run = (await api('GET', `/api/v1/runs/${first.id}`)).json<RunBody>();
        if (until(run)) return run;
      }
      if (Date.now() > deadline) throw new Error(`run of event ${eventId} did not get there in time`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  it('a webhook starts a run of its matching route, which executes every step and emits its event', async () => {
    await start();
    expect((await api('POST', '/api/v1/routes', triageRoute)).status).toBe(201);

    const accepted = await send(alert);
    expect(accepted.status).toBe(202);
    expect(accepted.json()).toEqual({ event_id: expect.any(String), status: 'accepted' });
    const { event_id: eventId } = accepted.json<{ event_id: string }>();

    const run = await runOf(eventId);
    expect(run.status).toBe('succeeded');
    expect((await api('GET', `/api/v1/runs?event_id=${eventId}`)).json<{ runs: unknown[] }>().runs).toHaveLength(1);
    expect(run.steps.map((step) => [step.name, step.status, step.attempts])).toEqual([
      ['triage', 'succeeded', 1],
      ['summary', 'succeeded', 1],
      ['announce', 'succeeded', 1],
    ]);
    const [triage, summary, announce] = run.steps;
    expect(triage?.input).toEqual({ alert });
    expect(triage?.output).toMatchObject({ level: 'CRITICAL', score: 1, recommended_response_time: '< 1 hour' });
    expect(summary?.output).toEqual({ alert: 'ALT-1', level: 'CRITICAL' });
    const emittedId = (announce?.output as { event_id: string }).event_id;

    const emitted = await api('GET', `/api/v1/events/${emittedId}`);
    expect(emitted.status).toBe(200);
    expect(emitted.json()).toMatchObject({ type: 'alert.triaged', source: 'switchboard/routes/triage-alerts', data: { alert: 'ALT-1', level: 'CRITICAL' }, runid: run.id, routed: false });
    const source = await api('GET', `/api/v1/events/${eventId}`);
    expect(source.json()).toMatchObject({ routed: true });
  });

  it('keeps an event no route matches, marked unrouted, and starts nothing', async () => {
    await start();
    expect((await api('POST', '/api/v1/routes', triageRoute)).status).toBe(201);
    const accepted = await send({ type: 'deploy.finished', service: 'orders' });
    expect(accepted.status).toBe(202);
    const { event_id: eventId } = accepted.json<{ event_id: string }>();
    expect((await api('GET', `/api/v1/runs?event_id=${eventId}`)).json<{ runs: unknown[] }>().runs).toEqual([]);
    const unrouted = await api('GET', '/api/v1/events?routed=false');
    expect(unrouted.json<{ events: Array<{ id: string; routed: boolean }> }>().events).toEqual([expect.objectContaining({ id: eventId, routed: false })]);
  });

  it('a duplicate delivery starts no second run', async () => {
    // The none scheme has no delivery id: the endpoint takes one from a header.
    await start({}, { idempotency: { header: 'x-delivery-id' } });
    expect((await api('POST', '/api/v1/routes', triageRoute)).status).toBe(201);
    const post = () =>
      fetch(`${sb?.url ?? ''}/integration/webhooks/alerts`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-delivery-id': 'msg-1' }, body: JSON.stringify(alert) });
    const first = await post();
    expect(first.status).toBe(202);
    const { event_id: eventId } = (await first.json()) as { event_id: string };
    const second = await post();
    expect(second.status).toBe(200);
    await runOf(eventId);
    expect((await api('GET', `/api/v1/runs?event_id=${eventId}`)).json<{ runs: unknown[] }>().runs).toHaveLength(1);
  });

  it('respond: sync answers the webhook with the rendered response of the finished run', async () => {
    await start();
    const route = {
      ...triageRoute,
      id: 'triage-sync',
      respond: { mode: 'sync', timeout_ms: 5000, status: 200, response: { urgency: '=steps.triage.level', alert: '=event.data.alert_id', literal: '==kept' } },
    };
    expect((await api('POST', '/api/v1/routes', route)).status).toBe(201);
    const answered = await send(alert);
    expect(answered.status).toBe(200);
    expect(answered.json()).toEqual({ urgency: 'CRITICAL', alert: 'ALT-1', literal: '=kept' });
  });

  it('respond: sync past its timeout answers 202 with the run id and its status URL', async () => {
    // No worker in this process: the run cannot finish before the timeout.
    await start({ 'runs.worker': false });
    expect((await api('POST', '/api/v1/routes', { ...triageRoute, id: 'slow-sync', respond: { mode: 'sync', timeout_ms: 50 } })).status).toBe(201);
    const answered = await send(alert);
    expect(answered.status).toBe(202);
    const body = answered.json<{ event_id: string; run_id: string; run_status: string; status_url: string }>();
    expect(body).toMatchObject({ status: 'accepted', run_status: 'pending', status_url: `/api/v1/runs/${body.run_id}` });
    expect(answered.headers.get('location')).toBe(`/api/v1/runs/${body.run_id}`);
    expect((await api('GET', body.status_url)).json<RunBody>()).toMatchObject({ id: body.run_id, status: 'pending' });
  });

  it('a failing step goes to dead letters; after the route is fixed, bulk replay by route completes the run', async () => {
    await start();
    const broken = {
      id: 'fragile',
      match: { source: 'alerts' },
      steps: [
        { name: 'triage', kind: 'agent', agent: 'triage', with: { alert: 'event.data' } },
        { name: 'summary', kind: 'transform', expression: '$error("summary is broken")' },
      ],
    };
    expect((await api('POST', '/api/v1/routes', broken)).status).toBe(201);
    const ids: string[] = [];
    for (const n of [1, 2, 3]) ids.push((await send({ ...alert, alert_id: `ALT-${n}` })).json<{ event_id: string }>().event_id);
    for (const eventId of ids) {
      const failed = await runOf(eventId);
      expect(failed.status).toBe('failed');
      expect(failed.error).toMatchObject({ code: 'expression_failed', step: 'summary' });
      expect(failed.steps.map((step) => [step.name, step.status])).toEqual([
        ['triage', 'succeeded'],
        ['summary', 'failed'],
      ]);
    }
    const dead = await api('GET', '/api/v1/dead-letters?route=fragile&step=summary');
    expect(dead.json<{ dead_letters: unknown[] }>().dead_letters).toHaveLength(3);
    expect((await api('GET', '/api/v1/dead-letters?route=other')).json<{ dead_letters: unknown[] }>().dead_letters).toHaveLength(0);

    const fixed = { ...broken, steps: [broken.steps[0], { name: 'summary', kind: 'transform', expression: 'steps.triage.level' }] };
    expect((await api('PUT', '/api/v1/routes/fragile', fixed)).status).toBe(200);
    const replayed = await api('POST', '/api/v1/dead-letters/replay', { route: 'fragile' });
    expect(replayed.json()).toEqual({ replayed: 3 });
    for (const eventId of ids) {
      const run = await runOf(eventId, (r) => r.status === 'succeeded');
      // triage's committed output is kept (it ran once); summary ran again under the fixed route.
      expect(run.steps.map((step) => [step.name, step.status, step.attempts])).toEqual([
        ['triage', 'succeeded', 1],
        ['summary', 'succeeded', 1],
      ]);
      expect(run.steps[1]?.output).toBe('CRITICAL');
    }
    expect((await api('GET', '/api/v1/dead-letters')).json<{ dead_letters: unknown[] }>().dead_letters).toHaveLength(0);
  });

  it('a failed sync run answers 502 run_failed naming the run', async () => {
    await start();
    const route = { id: 'broken-sync', match: { source: 'alerts' }, steps: [{ name: 'boom', kind: 'transform', expression: '$error("no")' }], respond: { mode: 'sync', timeout_ms: 5000 } };
    expect((await api('POST', '/api/v1/routes', route)).status).toBe(201);
    const answered = await send(alert);
    expect(answered.status).toBe(502);
    const body = answered.json<{ error: { code: string; details: { run_id: string; event_id: string } } }>();
    expect(body.error.code).toBe('run_failed');
    expect((await api('GET', `/api/v1/runs/${body.error.details.run_id}`)).json<RunBody>().status).toBe('failed');
  });

  it('POST /runs/{id}/retry re-executes a failed run from its failed step', async () => {
    await start();
    const route = { id: 'retry-me', match: { source: 'alerts' }, steps: [{ name: 'first', kind: 'transform', expression: '1' }, { name: 'second', kind: 'transform', expression: '$error("no")' }] };
    expect((await api('POST', '/api/v1/routes', route)).status).toBe(201);
    const eventId = (await send(alert)).json<{ event_id: string }>().event_id;
    const failed = await runOf(eventId);
    expect(failed.status).toBe('failed');
    expect((await api('PUT', '/api/v1/routes/retry-me', { ...route, steps: [route.steps[0], { name: 'second', kind: 'transform', expression: 'steps.first + 1' }] })).status).toBe(200);
    expect((await api('POST', `/api/v1/runs/${failed.id}/retry`)).status).toBe(200);
    const done = await runOf(eventId, (run) => run.status === 'succeeded');
    expect(done.steps.map((step) => step.output)).toEqual([1, 2]);
  });
});
