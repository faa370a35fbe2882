import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { systemClock, type Clock } from '../../src/core/clock.js';
import { enqueue } from '../../src/queue/enqueue.js';
import { JobFailedError, jobFailed } from '../../src/queue/job-failure.js';
import type { ClaimedJob, JobHandler } from '../../src/queue/job-handler.js';
import type { JobNotifier } from '../../src/queue/job-notifier.js';
import { JobWorker } from '../../src/queue/job-worker.js';
import type { RetryPolicy } from '../../src/queue/retry-policy.js';
import { claimDueJobs } from '../../src/store/jobs/claim-due-jobs.js';
import type { NewJob } from '../../src/store/jobs/enqueue-jobs.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';
import { dialects, openTestStore, type TestDatabase } from '../support/test-database.js';
import { job, ManualClock, startNotifier, waitFor } from './queue-fixtures.js';

const policy: RetryPolicy = { maxAttempts: 3, baseDelayMs: 1_000, maxDelayMs: 60_000, nonRetryableCodes: ['invalid_payload'] };

describe.each(dialects)('JobWorker (%s)', (dialect) => {
  let store: Store;
  let database: TestDatabase;
  let closeStore: () => Promise<void>;
  let notifier: JobNotifier;
  let stopNotifier: () => Promise<void>;
  const workers: JobWorker[] = [];
  const cleanups: Array<() => Promise<void>> = [];
  const errors: Error[] = [];
  // Intervals (the poll and lease timers) set and not yet cleared.
  const openIntervals = new Set<unknown>();

  beforeEach(async () => {
    const setInterval = globalThis.setInterval;
    const clearInterval = globalThis.clearInterval;
    vi.spyOn(globalThis, 'setInterval').mockImplementation(((...args: Parameters<typeof setInterval>) => {
      const handle = setInterval(...args);
      openIntervals.add(handle);
      return handle;
    }) as typeof setInterval);
    vi.spyOn(globalThis, 'clearInterval').mockImplementation((handle) => {
      openIntervals.delete(handle);
      clearInterval(handle);
    });
    ({ store, database, close: closeStore } = await openTestStore(dialect));
    ({ notifier, stop: stopNotifier } = await startNotifier(dialect));
  });
  afterEach(async () => {
    for (const worker of workers.splice(0)) await worker.stop({ timeoutMs: 5_000 });
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    await stopNotifier();
    await closeStore();
    expect(errors.splice(0)).toEqual([]);
    // Leave nothing running: every poll and lease timer is cleared.
    vi.restoreAllMocks();
    const leaked = openIntervals.size;
    for (const handle of openIntervals) clearInterval(handle as NodeJS.Timeout);
    openIntervals.clear();
    expect(leaked).toBe(0);
  });

  function startWorker(options: { handler: JobHandler; clock?: Clock; random?: () => number; pollIntervalMs?: number; concurrency?: number; leaseMs?: number; db?: Store; notifier?: JobNotifier }): JobWorker {
    const target = options.db ?? store;
    const worker = new JobWorker({
      db: target.db,
      dialect: target.dialect,
      notifier: options.notifier ?? notifier,
      queues: { work: { handler: options.handler, policy } },
      clock: options.clock ?? systemClock,
      random: options.random ?? (() => 0),
      pollIntervalMs: options.pollIntervalMs ?? 20,
      concurrency: options.concurrency ?? 5,
      leaseMs: options.leaseMs ?? 30_000,
      onError: (error) => errors.push(error),
    });
    workers.push(worker);
    worker.start();
    return worker;
  }

  async function add(jobs: NewJob[], nowMs = systemClock.nowMs()): Promise<string[]> {
    const outcomes = await store.db.transaction().execute((trx) => enqueue(trx, notifier, { jobs, nowMs }));
    return outcomes.map((o) => o.id);
  }
  const row = (id: string) => store.db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

  it('runs a job and marks it succeeded', async () => {
    const seen: ClaimedJob[] = [];
    startWorker({ handler: async (claimed) => void seen.push(claimed) });
    const [id = ''] = await add([job('work', { hello: 'world' }, { dedupeKey: 'k' })]);
    await waitFor(async () => (await row(id)).status === 'succeeded');
    expect(seen).toMatchObject([{ id, queue: 'work', payload: { hello: 'world' }, attempt: 1, maxAttempts: 3, dedupeKey: 'k' }]);
  });

  it('retries on the policy schedule until the job is dead', async () => {
    const clock = new ManualClock();
    const attempts: number[] = [];
    startWorker({
      clock,
      random: () => 0.5,
      handler: async (claimed) => {
        attempts.push(claimed.attempt);
        return jobFailed('upstream_down', `attempt ${claimed.attempt}`);
      },
    });
    const [id = ''] = await add([job('work', null)], clock.nowMs());

    // Full jitter with random 0.5: half of 1 s, then half of 2 s.
    for (const [attempt, delay] of [[1, 500], [2, 1_000]] as const) {
      await waitFor(async () => (await row(id)).attempts === attempt && (await row(id)).status === 'pending');
      expect((await row(id)).run_at).toBe(clock.nowMs() + delay);
      clock.advance(delay - 1);
      await new Promise((resolve) => setTimeout(resolve, 60)); // three polls: not due yet
      expect((await row(id)).attempts).toBe(attempt);
      clock.advance(1);
    }
    await waitFor(async () => (await row(id)).status === 'dead');
    expect(attempts).toEqual([1, 2, 3]);
    expect(await row(id)).toMatchObject({ attempts: 3, last_error_code: 'upstream_down', finished_at: clock.nowMs() });
    expect(JSON.parse((await row(id)).last_error ?? '')).toEqual({ code: 'upstream_down', message: 'attempt 3' });
  });

  it('honours a retryAfter from the handler over the computed delay', async () => {
    const clock = new ManualClock();
    const rateLimited = new JobFailedError('rate_limited', 'slow down', { retryAfterMs: 60_000 });
    startWorker({ clock, random: () => 0, handler: () => Promise.reject(rateLimited) });
    const [id = ''] = await add([job('work', null)], clock.nowMs());
    // One read for both conditions: two reads could see 'pending' before the claim and attempt 1 after it.
    await waitFor(async () => {
      const current = await row(id);
      return current.status === 'pending' && current.attempts === 1;
    });
    expect(await row(id)).toMatchObject({ run_at: clock.nowMs() + 60_000, last_error_code: 'rate_limited' });
  });

  it('sends a non-retryable failure to dead letters after one attempt', async () => {
    let calls = 0;
    startWorker({
      handler: async () => {
        calls += 1;
        return jobFailed('invalid_payload', 'no recipient');
      },
    });
    const [id = ''] = await add([job('work', null)]);
    await waitFor(async () => (await row(id)).status === 'dead');
    expect(calls).toBe(1);
    expect(await row(id)).toMatchObject({ attempts: 1, last_error_code: 'invalid_payload' });
  });

  it('records an unexpected throw as a retryable handler_error', async () => {
    startWorker({
      handler: async (claimed) => {
        if (claimed.attempt === 1) throw new Error('kaput');
      },
    });
    const [id = ''] = await add([job('work', null)]);
    await waitFor(async () => (await row(id)).status === 'succeeded');
    expect(await row(id)).toMatchObject({ attempts: 2, last_error_code: 'handler_error' });
  });

  it('renews the lease of a long job so no other worker takes it', async () => {
    let release = () => {};
    const finished = new Promise<void>((resolve) => {
      release = resolve;
    });
    startWorker({ leaseMs: 150, handler: () => finished });
    const [id = ''] = await add([job('work', null)]);
    await waitFor(async () => (await row(id)).status === 'running');
    for (let i = 0; i < 6; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 75));
      expect(await claimDueJobs(store.db, { dialect, workerId: 'thief', limit: 10, leaseMs: 150, nowMs: Date.now() })).toEqual([]);
    }
    release();
    await waitFor(async () => (await row(id)).status === 'succeeded');
    expect((await row(id)).attempts).toBe(1);
  });

  it('wakes on enqueue without waiting for the poll interval', async () => {
    let startedAt = 0;
    const worker = startWorker({ pollIntervalMs: 10_000, handler: async () => void (startedAt = Date.now()) });
    await new Promise((resolve) => setTimeout(resolve, 200)); // the start-up claim found nothing; now idle
    const enqueuedAt = Date.now();
    const [id = ''] = await add([job('work', null)]);
    await waitFor(async () => (await row(id)).status === 'succeeded', 5_000);
    expect(startedAt - enqueuedAt).toBeLessThan(1_000);
    expect(worker.runningCount).toBe(0);
  });

  it('drains a running handler on stop, and claims nothing afterwards', async () => {
    let started = false;
    const worker = startWorker({
      handler: async () => {
        started = true;
        await new Promise((resolve) => setTimeout(resolve, 300));
      },
    });
    const [id = ''] = await add([job('work', 1)]);
    await waitFor(() => started);

    expect(await worker.stop({ timeoutMs: 5_000 })).toEqual({ drained: true });
    expect((await row(id)).status).toBe('succeeded');

    const [later = ''] = await add([job('work', 2)]);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await row(later)).status).toBe('pending');
  });

  it('gives up draining after the timeout and aborts the handler', async () => {
    let aborted = false;
    const worker = startWorker({
      handler: (_claimed, { signal }) =>
        new Promise((resolve) => {
          signal.addEventListener('abort', () => {
            aborted = true;
            resolve(jobFailed('aborted', 'stopped'));
          });
        }),
    });
    const [id = ''] = await add([job('work', null)]);
    await waitFor(async () => (await row(id)).status === 'running');

    expect(await worker.stop({ timeoutMs: 100 })).toEqual({ drained: false });
    expect(aborted).toBe(true);
    await waitFor(() => worker.runningCount === 0);
    expect((await row(id)).status).toBe('pending');
  });

  it.runIf(dialect === 'postgres')('shares 500 jobs between two workers on two connections, each job run exactly once', async () => {
    const other = await openStore({ databaseUrl: database.databaseUrl, dataDir: database.dataDir, pgSchema: database.pgSchema });
    cleanups.push(() => other.close());
    const otherNotifier = await startNotifier('postgres');
    cleanups.push(() => otherNotifier.stop());

    const runs: string[] = [];
    const byWorker = new Map<string, number>();
    const handler = (name: string): JobHandler => async (claimed) => {
      runs.push(claimed.id);
      byWorker.set(name, (byWorker.get(name) ?? 0) + 1);
      await new Promise((resolve) => setTimeout(resolve, 1));
    };
    startWorker({ handler: handler('a'), concurrency: 10 });
    startWorker({ handler: handler('b'), concurrency: 10, db: other, notifier: otherNotifier.notifier });

    const ids = await add(Array.from({ length: 500 }, (_, index) => job('work', index)));
    await waitFor(async () => {
      const { n } = await store.db.selectFrom('jobs').select(store.db.fn.countAll<number>().as('n')).where('status', '=', 'succeeded').executeTakeFirstOrThrow();
      return Number(n) === 500;
    }, 20_000);

    expect(runs).toHaveLength(500);
    expect(new Set(runs).size).toBe(500);
    expect(new Set(runs)).toEqual(new Set(ids));
    expect(byWorker.get('a')).toBeGreaterThan(0);
    expect(byWorker.get('b')).toBeGreaterThan(0);
    const attempts = await store.db.selectFrom('jobs').select('attempts').distinct().execute();
    expect(attempts).toEqual([{ attempts: 1 }]);
  });
});
