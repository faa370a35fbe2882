import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { enqueue } from '../../src/queue/enqueue.js';
import { InProcessJobNotifier } from '../../src/queue/in-process-job-notifier.js';
import type { Store } from '../../src/store/store.js';
import { cancelJob } from '../../src/store/jobs/cancel-job.js';
import { claimDueJobs } from '../../src/store/jobs/claim-due-jobs.js';
import { completeJob } from '../../src/store/jobs/complete-job.js';
import { enqueueJobs } from '../../src/store/jobs/enqueue-jobs.js';
import { extendLease } from '../../src/store/jobs/extend-lease.js';
import { failJob } from '../../src/store/jobs/fail-job.js';
import { listDeadJobs } from '../../src/store/jobs/list-dead-jobs.js';
import { replayDeadJobs } from '../../src/store/jobs/replay-dead-jobs.js';
import type { Dialect } from '../../src/store/database.js';
import { insertRunStarts } from '../../src/store/runs/insert-run-starts.js';
import { SqliteIngestWriter } from '../../src/store/sqlite-writer/sqlite-ingest-writer.js';
import { dialects, openTestStore } from '../support/test-database.js';
import { eventRow, runStart } from '../store/ingest-fixtures.js';
import { job } from './queue-fixtures.js';

const T0 = 1_700_000_000_000;
const LEASE = 30_000;

/** Claims run through Kysely on both dialects, and on SQLite also through the writer thread (production's path). */
const claimPaths: ReadonlyArray<{ readonly dialect: Dialect; readonly claims: 'Kysely' | 'writer thread' }> = [
  ...dialects.map((dialect) => ({ dialect, claims: 'Kysely' as const })),
  { dialect: 'sqlite', claims: 'writer thread' },
];

describe.each(claimPaths)('job store ($dialect, claims via $claims)', ({ dialect, claims }) => {
  let store: Store;
  let close: () => Promise<void>;
  let writer: SqliteIngestWriter | undefined;
  beforeEach(async () => {
    ({ store, close } = await openTestStore(dialect));
    if (claims === 'writer thread' && store.sqliteFile !== undefined) writer = new SqliteIngestWriter({ file: store.sqliteFile.path, synchronous: store.sqliteFile.synchronous });
  });
  afterEach(async () => {
    await writer?.close();
    writer = undefined;
    await close();
  });

  const claim = (workerId: string, nowMs: number, limit = 10, queues?: string[]) =>
    writer === undefined
      ? claimDueJobs(store.db, { dialect, workerId, limit, leaseMs: LEASE, nowMs, ...(queues === undefined ? {} : { queues }) })
      : writer.claim({ workerId, limit, leaseMs: LEASE, nowMs, queues: queues ?? ['a', 'b', 'email', 'sms', 'runs'] });
  const row = (id: string) => store.db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const count = async () => (await store.db.selectFrom('jobs').select(store.db.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n;

  it('enqueues inside the caller transaction: a rollback leaves nothing', async () => {
    const failure = new Error('the state change failed');
    await expect(
      store.db.transaction().execute(async (trx) => {
        await enqueue(trx, new InProcessJobNotifier(), { jobs: [job('email', { to: 'a' }), job('email', { to: 'b' })], nowMs: T0 });
        throw failure;
      }),
    ).rejects.toBe(failure);
    expect(Number(await count())).toBe(0);

    await store.db.transaction().execute((trx) => enqueueJobs(trx, { jobs: [job('email', { to: 'c' })], nowMs: T0 }));
    expect(Number(await count())).toBe(1);
  });

  it('skips a job whose dedupe key exists in its queue, and returns the existing id', async () => {
    const [first] = await enqueueJobs(store.db, { jobs: [job('email', 1, { dedupeKey: 'run-1:notify' })], nowMs: T0 });
    const outcomes = await enqueueJobs(store.db, {
      jobs: [job('email', 2, { dedupeKey: 'run-1:notify' }), job('sms', 3, { dedupeKey: 'run-1:notify' }), job('email', 4), job('email', 5)],
      nowMs: T0 + 1,
    });

    expect(first?.status).toBe('enqueued');
    expect(outcomes.map((o) => o.status)).toEqual(['duplicate', 'enqueued', 'enqueued', 'enqueued']);
    expect(outcomes[0]?.id).toBe(first?.id);
    expect(JSON.parse((await row(first?.id ?? '')).payload)).toBe(1);
    expect(Number(await count())).toBe(4);
  });

  it('claims due jobs oldest first, up to the limit, only from the given queues', async () => {
    const ids = await enqueueJobs(store.db, {
      jobs: [job('a', 'late', { runAtMs: T0 + 300 }), job('a', 'first', { runAtMs: T0 + 100 }), job('b', 'other', { runAtMs: T0 }), job('a', 'future', { runAtMs: T0 + 10_000 }), job('a', 'second', { runAtMs: T0 + 200 })],
      nowMs: T0,
    });
    expect(ids).toHaveLength(5);

    const batch = await claim('w1', T0 + 1_000, 2, ['a']);
    expect(batch.map((r) => JSON.parse(r.payload))).toEqual(['first', 'second']);
    expect(batch.every((r) => r.status === 'running' && r.attempts === 1 && r.locked_by === 'w1' && r.locked_until === T0 + 1_000 + LEASE)).toBe(true);

    const rest = await claim('w2', T0 + 1_000, 10);
    expect(rest.map((r) => JSON.parse(r.payload))).toEqual(['other', 'late']);
    expect(await claim('w2', T0 + 1_000, 10)).toEqual([]);
  });

  it('claims a job again when its worker dies and the lease expires', async () => {
    const [enqueued] = await enqueueJobs(store.db, { jobs: [job('a', 'x')], nowMs: T0 });
    const id = enqueued?.id ?? '';
    expect((await claim('dead-worker', T0)).map((r) => r.id)).toEqual([id]);

    expect(await claim('w2', T0 + LEASE - 1)).toEqual([]);
    expect(await claim('w2', T0 + LEASE)).toEqual([]);
    const reclaimed = await claim('w2', T0 + LEASE + 1);
    expect(reclaimed.map((r) => [r.id, r.locked_by, r.attempts])).toEqual([[id, 'w2', 2]]);
  });

  it('refuses outcomes from a worker that no longer holds the claim', async () => {
    const [enqueued] = await enqueueJobs(store.db, { jobs: [job('a', 'x')], nowMs: T0 });
    const id = enqueued?.id ?? '';
    await claim('stale', T0);
    await claim('fresh', T0 + LEASE + 1);

    const stale = { id, workerId: 'stale', attempt: 1, nowMs: T0 + LEASE + 2 };
    expect(await completeJob(store.db, stale)).toBe('lost_claim');
    expect(await failJob(store.db, { ...stale, error: { code: 'boom', message: 'late' }, disposition: 'dead' })).toBe('lost_claim');
    expect(await extendLease(store.db, { ...stale, lockedUntilMs: T0 + 10 * LEASE })).toBe(false);
    expect(await row(id)).toMatchObject({ status: 'running', locked_by: 'fresh', attempts: 2, last_error: null });

    expect(await completeJob(store.db, { id, workerId: 'fresh', attempt: 2, nowMs: T0 + LEASE + 3 })).toBe('completed');
    expect(await row(id)).toMatchObject({ status: 'succeeded', locked_by: null, locked_until: null, finished_at: T0 + LEASE + 3 });
  });

  it('extends a lease so the job is not reclaimed', async () => {
    const [enqueued] = await enqueueJobs(store.db, { jobs: [job('a', 'x')], nowMs: T0 });
    const id = enqueued?.id ?? '';
    await claim('w1', T0);
    expect(await extendLease(store.db, { id, workerId: 'w1', attempt: 1, lockedUntilMs: T0 + 3 * LEASE, nowMs: T0 + 1 })).toBe(true);
    expect(await claim('w2', T0 + 2 * LEASE)).toEqual([]);
  });

  it('sends a job whose lease expired on its last attempt to dead letters', async () => {
    const [enqueued] = await enqueueJobs(store.db, { jobs: [job('a', 'x', { maxAttempts: 1 })], nowMs: T0 });
    const id = enqueued?.id ?? '';
    await claim('w1', T0);
    expect(await claim('w2', T0 + LEASE + 1)).toEqual([]);
    expect(await row(id)).toMatchObject({ status: 'dead', last_error_code: 'lease_expired', finished_at: T0 + LEASE + 1 });
  });

  it('fails the run of a run job whose lease expired on its last attempt', async () => {
    const event = eventRow('alerts', 'k', T0);
    await store.db.insertInto('events').values({ ...event, routed: 1 }).execute();
    const start = runStart(event.id, 'route-a', T0);
    await insertRunStarts(store.db, [{ ...start, job: { ...start.job, max_attempts: 1 } }]);
    await claim('w1', T0);
    expect(await claim('w2', T0 + LEASE + 1)).toEqual([]);
    expect(await row(start.job.id)).toMatchObject({ status: 'dead', last_error_code: 'lease_expired' });
    const run = await store.db.selectFrom('runs').selectAll().where('id', '=', start.run.id).executeTakeFirstOrThrow();
    expect(run).toMatchObject({ status: 'failed', finished_at: T0 + LEASE + 1 });
    expect(JSON.parse(run.error ?? '{}')).toMatchObject({ code: 'lease_expired' });
  });

  it('fails a job back to pending at its retry time, keeping the error', async () => {
    const [enqueued] = await enqueueJobs(store.db, { jobs: [job('a', 'x')], nowMs: T0 });
    const id = enqueued?.id ?? '';
    await claim('w1', T0);
    expect(await failJob(store.db, { id, workerId: 'w1', attempt: 1, error: { code: 'timeout', message: 'slow' }, disposition: { retryAtMs: T0 + 500 }, nowMs: T0 + 10 })).toBe('retrying');
    expect(await row(id)).toMatchObject({ status: 'pending', run_at: T0 + 500, locked_by: null, last_error_code: 'timeout' });
    expect(JSON.parse((await row(id)).last_error ?? '')).toEqual({ code: 'timeout', message: 'slow' });
    expect(await claim('w1', T0 + 499)).toEqual([]);
    expect((await claim('w1', T0 + 500)).map((r) => r.attempts)).toEqual([2]);
  });

  it('lists dead letters by queue, error code and time, pages them, and replays them', async () => {
    // One millisecond apart, so ids (time-ordered across milliseconds) and due times follow enqueue order.
    const ids: string[] = [];
    for (const [index, queue] of ['email', 'email', 'sms', 'email', 'email'].entries()) {
      const [enqueued] = await enqueueJobs(store.db, { jobs: [job(queue, index)], nowMs: T0 + index });
      ids.push(enqueued?.id ?? '');
    }
    const claimed = await claim('w1', T0 + 10, 10);
    const codes = ['http_500', 'http_500', 'http_500', 'invalid', 'ok'];
    for (const [index, r] of claimed.entries()) {
      if (index === 4) {
        await completeJob(store.db, { id: r.id, workerId: 'w1', attempt: 1, nowMs: T0 + 10 });
        continue;
      }
      await failJob(store.db, { id: r.id, workerId: 'w1', attempt: 1, error: { code: codes[index] ?? '', message: 'no' }, disposition: 'dead', nowMs: T0 + 100 * (index + 1) });
    }

    const all = await listDeadJobs(store.db, { limit: 10 });
    expect(all.map((r) => r.id)).toEqual([ids[3], ids[2], ids[1], ids[0]]);
    expect((await listDeadJobs(store.db, { queue: 'email', errorCode: 'http_500', limit: 10 })).map((r) => r.id)).toEqual([ids[1], ids[0]]);
    expect((await listDeadJobs(store.db, { sinceMs: T0 + 200, untilMs: T0 + 400, limit: 10 })).map((r) => r.id)).toEqual([ids[2], ids[1]]);
    const page1 = await listDeadJobs(store.db, { limit: 2 });
    const page2 = await listDeadJobs(store.db, { limit: 2, beforeId: page1.at(-1)?.id });
    expect([...page1, ...page2].map((r) => r.id)).toEqual(all.map((r) => r.id));

    const byFilter = await replayDeadJobs(store.db, { select: { queue: 'email', errorCode: 'http_500' }, nowMs: T0 + 1_000 });
    expect(byFilter.map((r) => r.id).sort()).toEqual([ids[0], ids[1]].sort());
    expect(await row(ids[0] ?? '')).toMatchObject({ status: 'pending', attempts: 0, run_at: T0 + 1_000, finished_at: null, last_error_code: 'http_500' });

    // Only dead jobs replay by id: the succeeded one stays.
    const byId = await replayDeadJobs(store.db, { select: { ids: [ids[3] ?? '', ids[4] ?? ''] }, nowMs: T0 + 1_000 });
    expect(byId.map((r) => r.id)).toEqual([ids[3]]);
    expect((await row(ids[4] ?? '')).status).toBe('succeeded');
    expect((await listDeadJobs(store.db, { limit: 10 })).map((r) => r.id)).toEqual([ids[2]]);
  });

  it('cancels unfinished jobs only; a cancelled running job cannot be completed', async () => {
    const enqueued = await enqueueJobs(store.db, { jobs: [job('a', 1), job('a', 2)], nowMs: T0 });
    const [first, second] = enqueued.map((o) => o.id) as [string, string];
    await claim('w1', T0, 1);
    expect(await cancelJob(store.db, { id: first, nowMs: T0 + 1 })).toBe(true);
    expect(await completeJob(store.db, { id: first, workerId: 'w1', attempt: 1, nowMs: T0 + 2 })).toBe('lost_claim');
    expect(await cancelJob(store.db, { id: second, nowMs: T0 + 1 })).toBe(true);
    expect(await cancelJob(store.db, { id: second, nowMs: T0 + 1 })).toBe(false);
    expect(await cancelJob(store.db, { id: 'missing', nowMs: T0 + 1 })).toBe(false);
    expect(await claim('w1', T0 + 10 * LEASE)).toEqual([]);
    expect((await row(first)).status).toBe('cancelled');
  });
});
