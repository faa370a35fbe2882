import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { emittedEventSource } from '../../src/runs/run-executor.js';
import { RUNS_QUEUE } from '../../src/runs/run-queue.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';
import { killCliProcesses, startServe } from '../cli/cli-process.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { alertBody, countByKey, readExecutionLog, registerUnsignedEndpoint, serverEnvironment, waitUntil } from './runs-durability-fixtures.js';

const ADMIN_KEY = 'two-processes-admin-key-0123456789';
const ROUTE_ID = 'shared-alerts';
const ENDPOINT_ID = 'alerts';
const EVENTS = 2_000;
/** Concurrent senders in all, spread over both servers. */
const SENDERS = 32;

/** triage → log_execution → transform → emit: built-in and custom agents, and an event appended per run. */
function sharedRoute(logFile: string) {
  return {
    id: ROUTE_ID,
    match: { source: ENDPOINT_ID },
    steps: [
      { name: 'triage', kind: 'agent', agent: 'triage', with: { alert: 'event.data' } },
      { name: 'record', kind: 'agent', agent: 'log_execution', with: { log: JSON.stringify(logFile) } },
      { name: 'summary', kind: 'transform', expression: '{"alert": event.data.alert_id, "level": steps.triage.level, "pid": steps.record.pid}' },
      { name: 'announce', kind: 'emit', type: 'alert.triaged', data: 'steps.summary' },
    ],
  };
}

describe('two Switchboard processes on one PostgreSQL database', () => {
  let database: TestDatabase | undefined;
  let reader: Store | undefined;
  afterEach(async () => {
    await killCliProcesses();
    await reader?.close();
    reader = undefined;
    await database?.cleanup();
    database = undefined;
  });

  it('executes each run of 2,000 events exactly once, sharing the work between the processes', { timeout: 90_000 }, async () => {
    database = createTestDatabase('postgres');
    const logFile = join(database.dataDir, 'executions.log');
    const env = serverEnvironment(database, { adminKey: ADMIN_KEY, routes: [sharedRoute(logFile)] });
    // The second starts after the endpoint exists, so its endpoint view has it from its first request.
    const first = await startServe(env);
    await registerUnsignedEndpoint(first.url, ADMIN_KEY, ENDPOINT_ID);
    const second = await startServe(env);
    const servers = [first, second];

    const accepted: string[] = [];
    const unexpected: string[] = [];
    let next = 0;
    const sender = async () => {
      for (let seq = next++; seq < EVENTS; seq = next++) {
        const server = servers[seq % servers.length];
        if (server === undefined) throw new Error('no server');
        const response = await fetch(`${server.url}/integration/webhooks/${ENDPOINT_ID}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: alertBody(seq),
          signal: AbortSignal.timeout(10_000),
        });
        const text = await response.text();
        if (response.status === 202) accepted.push((JSON.parse(text) as { event_id: string }).event_id);
        else unexpected.push(`${response.status} ${text}`);
      }
    };
    await Promise.all(Array.from({ length: SENDERS }, () => sender()));
    expect(unexpected).toEqual([]);
    expect(new Set(accepted).size).toBe(EVENTS);

    reader = await openStore({ databaseUrl: database.databaseUrl, dataDir: database.dataDir, pgSchema: database.pgSchema });
    const db = reader.db;
    const runStatuses = async () => {
      const rows = await db.selectFrom('runs').select(['status', (eb) => eb.fn.countAll<number>().as('count')]).groupBy('status').execute();
      return Object.fromEntries(rows.map((row) => [row.status, Number(row.count)]));
    };
    let statuses: Record<string, number> = {};
    await waitUntil(
      `all ${EVENTS} runs succeeded`,
      async () => {
        statuses = await runStatuses();
        if ((statuses['failed'] ?? 0) > 0) throw new Error(`runs failed: ${JSON.stringify(statuses)}`);
        return statuses['succeeded'] === EVENTS;
      },
      { timeoutMs: 45_000, progress: () => JSON.stringify(statuses) },
    );

    // Exactly one run per accepted event, all succeeded.
    const runs = await db.selectFrom('runs').select(['id', 'event_id', 'route_id', 'status']).execute();
    expect(runs).toHaveLength(EVENTS);
    expect(new Set(runs.map((run) => run.event_id))).toEqual(new Set(accepted));
    expect(runs.every((run) => run.status === 'succeeded' && run.route_id === ROUTE_ID)).toBe(true);

    // Every step of every run succeeded at its first attempt, and every run job was claimed once.
    const steps = await db.selectFrom('run_steps').select(['run_id', 'step_name', 'status', 'attempts']).execute();
    expect(steps).toHaveLength(EVENTS * 4);
    expect(steps.filter((step) => step.status !== 'succeeded' || Number(step.attempts) !== 1)).toEqual([]);
    const jobs = await db.selectFrom('jobs').select(['status', 'attempts']).where('queue', '=', RUNS_QUEUE).execute();
    expect(jobs).toHaveLength(EVENTS);
    expect(jobs.filter((job) => job.status !== 'succeeded' || Number(job.attempts) !== 1)).toEqual([]);

    // One emitted event per run, naming its run.
    const emitted = await db.selectFrom('events').select(['extensions']).where('source', '=', emittedEventSource(ROUTE_ID)).execute();
    expect(emitted).toHaveLength(EVENTS);
    const emittingRuns = emitted.map((event) => (JSON.parse(event.extensions) as { runid?: string }).runid);
    expect(new Set(emittingRuns)).toEqual(new Set(runs.map((run) => run.id)));

    // The custom step of each run executed exactly once, in one of the two processes, and both did work.
    const executions = readExecutionLog(logFile);
    const counts = countByKey(executions);
    expect(new Set(counts.keys())).toEqual(new Set(runs.map((run) => `${run.id}:record`)));
    expect([...counts].filter(([, count]) => count !== 1)).toEqual([]);
    const byProcess = new Map<number, number>();
    for (const { pid } of executions) byProcess.set(pid, (byProcess.get(pid) ?? 0) + 1);
    expect(new Set(byProcess.keys())).toEqual(new Set([first.child.pid, second.child.pid]));
    for (const [pid, count] of byProcess) expect(count, `runs executed by process ${pid}`).toBeGreaterThan(EVENTS / 20);

    first.child.kill('SIGTERM');
    second.child.kill('SIGTERM');
    expect(await Promise.all([first.exited, second.exited])).toEqual([0, 0]);
  });
});
