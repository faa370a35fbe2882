import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { emittedEventSource } from '../../src/runs/run-executor.js';
import type { Dialect } from '../../src/store/database.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';
import { killCliProcesses, startServe } from '../cli/cli-process.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { alertBody, readExecutionLog, registerUnsignedEndpoint, serverEnvironment, waitUntil } from './runs-durability-fixtures.js';

const ADMIN_KEY = 'runs-sigkill-admin-key-0123456789';
const ROUTE_ID = 'crash-runs';
const ENDPOINT_ID = 'crash';
/** Concurrent senders, and how many acknowledged webhooks to wait for before the SIGKILL. */
const SENDERS = 20;
const ACKNOWLEDGED_BEFORE_KILL = 300;
const STEP_NAMES = ['first', 'second', 'announce'] as const;

/** Two slow custom steps that log each execution, then an emit; with checkpoint_after_ms 0 each step commits on its own. */
function crashRoute(logFile: string) {
  const log = { log: JSON.stringify(logFile), sleep_ms: '10' };
  return {
    id: ROUTE_ID,
    match: { source: ENDPOINT_ID },
    steps: [
      { name: 'first', kind: 'agent', agent: 'log_execution', with: log },
      { name: 'second', kind: 'agent', agent: 'log_execution', with: log },
      { name: 'announce', kind: 'emit', type: 'crash.handled', data: '{"first": steps.first.pid, "second": steps.second.pid}' },
    ],
  };
}

describe.each<Dialect>(['sqlite', 'postgres'])('runs across a SIGKILL (%s)', (dialect) => {
  let database: TestDatabase | undefined;
  let reader: Store | undefined;
  afterEach(async () => {
    await killCliProcesses();
    await reader?.close();
    reader = undefined;
    await database?.cleanup();
    database = undefined;
  });

  it('completes the runs of every acknowledged event after a restart, and never re-executes a committed step', { timeout: 90_000 }, async () => {
    database = createTestDatabase(dialect);
    const logFile = join(database.dataDir, 'executions.log');
    // A short lease, so the runs the killed process had claimed are claimable soon after the restart.
    const env = serverEnvironment(database, { adminKey: ADMIN_KEY, routes: [crashRoute(logFile)], runs: { lease_ms: 1000, checkpoint_after_ms: 0 } });
    const first = await startServe(env);
    await registerUnsignedEndpoint(first.url, ADMIN_KEY, ENDPOINT_ID);

    const acknowledged: string[] = [];
    const unexpected: string[] = [];
    let killed = false;
    const sender = async (loop: number) => {
      for (let seq = 0; ; seq += 1) {
        let status: number;
        let text: string;
        try {
          const response = await fetch(`${first.url}/integration/webhooks/${ENDPOINT_ID}`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: alertBody(loop * 100_000 + seq),
            signal: AbortSignal.timeout(10_000),
          });
          status = response.status;
          text = await response.text();
        } catch {
          // The connection died with the server: this webhook was never acknowledged.
          return;
        }
        if (status !== 202) {
          unexpected.push(`${status} ${text}`);
          return;
        }
        acknowledged.push((JSON.parse(text) as { event_id: string }).event_id);
        if (!killed && acknowledged.length >= ACKNOWLEDGED_BEFORE_KILL) {
          killed = true;
          first.child.kill('SIGKILL');
        }
      }
    };
    await Promise.all(Array.from({ length: SENDERS }, (_, loop) => sender(loop)));
    expect(await first.exited).toBe('SIGKILL');
    expect(unexpected).toEqual([]);
    expect(acknowledged.length).toBeGreaterThanOrEqual(ACKNOWLEDGED_BEFORE_KILL);

    // What the killed process committed: these steps must never execute again.
    reader = await openStore({ databaseUrl: database.databaseUrl, dataDir: database.dataDir, pgSchema: database.pgSchema });
    const db = reader.db;
    const committedBeforeKill = new Set(
      (await db.selectFrom('run_steps').select(['run_id', 'step_name']).where('status', '=', 'succeeded').execute()).map((step) => `${step.run_id}:${step.step_name}`),
    );
    const unfinishedAtKill = await db.selectFrom('runs').select('id').where('status', '!=', 'succeeded').execute();
    // The kill caught runs in flight (else this test would prove nothing about resuming them).
    expect(unfinishedAtKill.length).toBeGreaterThan(0);
    // The log is written before a step can commit: every committed custom step is in it, from the killed process.
    const killedExecutions = readExecutionLog(logFile);
    const loggedBeforeKill = new Set(killedExecutions.map((execution) => execution.key));
    expect([...committedBeforeKill].filter((key) => !key.endsWith(':announce') && !loggedBeforeKill.has(key))).toEqual([]);
    expect(new Set(killedExecutions.map((execution) => execution.pid))).toEqual(new Set([first.child.pid]));

    const second = await startServe(env);
    const acknowledgedIds = new Set(acknowledged);
    const acknowledgedRuns = async () => (await db.selectFrom('runs').select(['id', 'event_id', 'status']).execute()).filter((run) => acknowledgedIds.has(run.event_id));
    let pending = Number.NaN;
    await waitUntil(
      `the runs of all ${acknowledged.length} acknowledged events succeeded`,
      async () => {
        const runs = await acknowledgedRuns();
        pending = acknowledged.length - runs.filter((run) => run.status === 'succeeded').length;
        return pending === 0;
      },
      { timeoutMs: 45_000, progress: () => `${pending} not yet succeeded` },
    );

    // Every acknowledged event has its one run, and every step of it succeeded.
    const runs = await acknowledgedRuns();
    expect(new Set(runs.map((run) => run.event_id))).toEqual(acknowledgedIds);
    expect(runs).toHaveLength(acknowledged.length);
    const runIds = new Set(runs.map((run) => run.id));
    const steps = (await db.selectFrom('run_steps').select(['run_id', 'step_name', 'status']).execute()).filter((step) => runIds.has(step.run_id));
    expect(steps).toHaveLength(runs.length * STEP_NAMES.length);
    expect(steps.filter((step) => step.status !== 'succeeded')).toEqual([]);

    // A step committed before the kill never executed again; the restarted process did resume runs.
    const restartedExecutions = readExecutionLog(logFile).filter((execution) => execution.pid === second.child.pid);
    expect(restartedExecutions.filter((execution) => committedBeforeKill.has(execution.key))).toEqual([]);
    expect(restartedExecutions.length).toBeGreaterThan(0);

    // One emitted event per run, the restarted runs included.
    const emitted = await db.selectFrom('events').select(['extensions']).where('source', '=', emittedEventSource(ROUTE_ID)).execute();
    const emittedByRun = new Map<string, number>();
    for (const event of emitted) {
      const runId = (JSON.parse(event.extensions) as { runid: string }).runid;
      emittedByRun.set(runId, (emittedByRun.get(runId) ?? 0) + 1);
    }
    expect(runs.filter((run) => emittedByRun.get(run.id) !== 1)).toEqual([]);

    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  });
});
