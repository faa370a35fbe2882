import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Dialect } from '../../src/store/database.js';
import { claimDueJobs } from '../../src/store/jobs/claim-due-jobs.js';
import { commitRunProgress, type RunProgress, type RunProgressOutcome } from '../../src/store/runs/commit-run-progress.js';
import { commitRunProgressPostgres } from '../../src/store/runs/commit-run-progress-postgres.js';
import { insertRunStarts } from '../../src/store/runs/insert-run-starts.js';
import { SqliteIngestWriter } from '../../src/store/sqlite-writer/sqlite-ingest-writer.js';
import type { Store } from '../../src/store/store.js';
import { dialects, openTestStore } from '../support/test-database.js';
import { BASE_MS, eventRow, runStart } from './ingest-fixtures.js';

interface ProgressCommit {
  commit(items: readonly RunProgress[]): Promise<ReadonlyArray<RunProgressOutcome | Error>>;
  close(): Promise<void>;
}

/** Every implementation of the run-progress commit, on each dialect it runs on; all must agree. */
const implementations: ReadonlyArray<{ readonly name: string; readonly dialect: Dialect; open(store: Store): ProgressCommit }> = [
  ...dialects.map((dialect) => ({
    name: 'Kysely transaction',
    dialect,
    open: (store: Store): ProgressCommit => ({
      commit: (items) => store.db.transaction().execute(async (trx) => Promise.all(items.map((item) => commitRunProgress(trx, item)))),
      close: async () => {},
    }),
  })),
  { name: 'unnest statement', dialect: 'postgres', open: (store) => ({ commit: (items) => commitRunProgressPostgres(store.db, items), close: async () => {} }) },
  {
    name: 'writer thread',
    dialect: 'sqlite',
    open: (store) => {
      if (store.sqliteFile === undefined) throw new Error('needs SQLite');
      const writer = new SqliteIngestWriter({ file: store.sqliteFile.path, synchronous: store.sqliteFile.synchronous });
      return { commit: (items) => writer.commitRuns(items), close: () => writer.close() };
    },
  },
];

const NOW = BASE_MS + 1_000;

describe.each(implementations)('run progress commit: $name on $dialect', ({ dialect, open }) => {
  let store: Store;
  let closeStore: () => Promise<void>;
  let committer: ProgressCommit;
  beforeEach(async () => {
    ({ store, close: closeStore } = await openTestStore(dialect));
    committer = open(store);
  });
  afterEach(async () => {
    await committer.close();
    await closeStore();
  });

  /** An event with one run of `route`, its job claimed by worker `w1`. */
  async function claimedRun(key: string) {
    const event = eventRow('alerts', key);
    await store.db.insertInto('events').values({ ...event, routed: 1 }).execute();
    const start = runStart(event.id, 'route-a');
    await insertRunStarts(store.db, [start]);
    const [job] = await claimDueJobs(store.db, { dialect, workerId: 'w1', queues: ['runs'], limit: 1, leaseMs: 60_000, nowMs: NOW });
    if (job === undefined || job.id !== start.job.id) throw new Error('claim failed');
    return { event, runId: start.run.id, claim: { id: job.id, workerId: 'w1', attempt: Number(job.attempts) } };
  }

  const step = (runId: string, name: string, status: 'succeeded' | 'failed', output: unknown) => ({
    run_id: runId,
    step_name: name,
    position: 0,
    kind: 'transform',
    status,
    input: null,
    output: status === 'succeeded' ? JSON.stringify(output) : null,
    attempts: 1,
    error: status === 'failed' ? JSON.stringify({ code: 'step_error', message: 'boom' }) : null,
    started_at: NOW,
    finished_at: NOW,
  });
  const run = (runId: string) => store.db.selectFrom('runs').selectAll().where('id', '=', runId).executeTakeFirstOrThrow();
  const job = (id: string) => store.db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const steps = (runId: string) => store.db.selectFrom('run_steps').selectAll().where('run_id', '=', runId).orderBy('step_name').execute();

  it('commits a finished run: steps, emitted event with the run it starts, notification, run status and job', async () => {
    const { runId, claim } = await claimedRun('k1');
    const emitted = eventRow(`switchboard/routes/route-a`, `${runId}:announce`, NOW);
    const chained = runStart(emitted.id, 'route-b', NOW);
    const outcomes = await committer.commit([
      {
        runId,
        steps: [step(runId, 'summary', 'succeeded', { level: 'HIGH' })],
        events: [{ event: { ...emitted, routed: 1 }, runs: [chained] }],
        notifications: [{ id: `n-${runId}`, run_id: runId, step_name: 'tell', request: '{"user_ids":["u1"],"body":"hi","strategy":"all"}', status: 'pending', created_at: NOW }],
        run: { status: 'succeeded' },
        job: { claim, outcome: 'completed' },
        nowMs: NOW,
      },
    ]);
    expect(outcomes).toEqual([{ status: 'committed', startedRuns: 1 }]);
    expect(await run(runId)).toMatchObject({ status: 'succeeded', finished_at: NOW, error: null });
    expect(await job(claim.id)).toMatchObject({ status: 'succeeded', locked_by: null, finished_at: NOW });
    expect((await steps(runId)).map((row) => [row.step_name, row.status, row.output])).toEqual([['summary', 'succeeded', '{"level":"HIGH"}']]);
    expect(await store.db.selectFrom('events').select(['id', 'routed']).where('id', '=', emitted.id).executeTakeFirst()).toEqual({ id: emitted.id, routed: 1 });
    expect(await run(chained.run.id)).toMatchObject({ status: 'pending', event_id: emitted.id, route_id: 'route-b' });
    expect(await job(chained.job.id)).toMatchObject({ status: 'pending', queue: 'runs' });
    expect(await store.db.selectFrom('notify_outbox').select(['run_id', 'status']).execute()).toEqual([{ run_id: runId, status: 'pending' }]);
  });

  it('writes nothing when the claim was lost', async () => {
    const { runId, claim } = await claimedRun('k2');
    const outcomes = await committer.commit([
      { runId, steps: [step(runId, 'summary', 'succeeded', 1)], events: [], notifications: [], run: { status: 'succeeded' }, job: { claim: { ...claim, workerId: 'someone-else' }, outcome: 'completed' }, nowMs: NOW },
    ]);
    expect(outcomes).toEqual([{ status: 'lost_claim' }]);
    expect(await run(runId)).toMatchObject({ status: 'pending' });
    expect(await job(claim.id)).toMatchObject({ status: 'running', locked_by: 'w1' });
    expect(await steps(runId)).toEqual([]);
  });

  it('settles only the job of a run cancelled meanwhile', async () => {
    const { runId, claim } = await claimedRun('k3');
    await store.db.updateTable('runs').set({ status: 'cancelled' }).where('id', '=', runId).execute();
    const outcomes = await committer.commit([
      { runId, steps: [step(runId, 'summary', 'succeeded', 1)], events: [], notifications: [], run: { status: 'succeeded' }, job: { claim, outcome: 'completed' }, nowMs: NOW },
    ]);
    expect(outcomes).toEqual([{ status: 'run_finished' }]);
    expect(await run(runId)).toMatchObject({ status: 'cancelled' });
    expect(await job(claim.id)).toMatchObject({ status: 'succeeded' });
    expect(await steps(runId)).toEqual([]);
  });

  it('records a failed step for a retry, and a dead letter with the run failed', async () => {
    const retrying = await claimedRun('k4');
    const dying = await claimedRun('k5');
    const error = { code: 'step_error', message: 'boom' };
    const outcomes = await committer.commit([
      {
        runId: retrying.runId,
        steps: [step(retrying.runId, 'call', 'failed', null)],
        events: [],
        notifications: [],
        run: { status: 'running' },
        job: { claim: retrying.claim, outcome: 'failed', error, disposition: { retryAtMs: NOW + 5_000 } },
        nowMs: NOW,
      },
      {
        runId: dying.runId,
        steps: [step(dying.runId, 'call', 'failed', null)],
        events: [],
        notifications: [],
        run: { status: 'failed', error: { ...error, step: 'call' } },
        job: { claim: dying.claim, outcome: 'failed', error, disposition: 'dead' },
        nowMs: NOW,
      },
    ]);
    expect(outcomes).toEqual([
      { status: 'committed', startedRuns: 0 },
      { status: 'committed', startedRuns: 0 },
    ]);
    expect(await job(retrying.claim.id)).toMatchObject({ status: 'pending', run_at: NOW + 5_000, last_error_code: 'step_error', finished_at: null, locked_by: null });
    expect(await run(retrying.runId)).toMatchObject({ status: 'running', finished_at: null });
    expect(await job(dying.claim.id)).toMatchObject({ status: 'dead', finished_at: NOW, last_error: JSON.stringify(error) });
    expect(await run(dying.runId)).toMatchObject({ status: 'failed', finished_at: NOW, error: JSON.stringify({ ...error, step: 'call' }) });
    expect((await steps(dying.runId)).map((row) => [row.status, row.error])).toEqual([['failed', JSON.stringify(error)]]);
  });

  it('writes no checkpoint for a worker that lost the claim, and keeps the claim of one that holds it', async () => {
    const { runId, claim } = await claimedRun('k7');
    const checkpoint = (workerId: string) => ({
      runId,
      steps: [step(runId, 'slow', 'succeeded', workerId)],
      events: [],
      notifications: [],
      run: { status: 'running' as const },
      job: { claim: { ...claim, workerId }, outcome: 'held' as const },
      nowMs: NOW + 5,
    });
    expect(await committer.commit([checkpoint('stale-worker')])).toEqual([{ status: 'lost_claim' }]);
    expect(await steps(runId)).toEqual([]);
    expect(await committer.commit([checkpoint('w1')])).toEqual([{ status: 'committed', startedRuns: 0 }]);
    expect((await steps(runId)).map((row) => row.output)).toEqual(['"w1"']);
    expect(await job(claim.id)).toMatchObject({ status: 'running', locked_by: 'w1', locked_until: NOW + 60_000, finished_at: null, updated_at: NOW + 5 });
    expect(await run(runId)).toMatchObject({ status: 'running' });
  });

  it('never overwrites a succeeded step, and checkpoints without a job', async () => {
    const { runId } = await claimedRun('k6');
    const first = await committer.commit([{ runId, steps: [step(runId, 'summary', 'succeeded', 'first')], events: [], notifications: [], run: { status: 'running' }, nowMs: NOW }]);
    expect(first).toEqual([{ status: 'committed', startedRuns: 0 }]);
    await committer.commit([{ runId, steps: [step(runId, 'summary', 'succeeded', 'second')], events: [], notifications: [], run: { status: 'running' }, plan: '[]', nowMs: NOW + 1 }]);
    expect((await steps(runId)).map((row) => row.output)).toEqual(['"first"']);
    expect(await run(runId)).toMatchObject({ status: 'running', plan: '[]', updated_at: NOW + 1 });
  });
});
