import type { Clock } from '../../src/core/clock.js';
import type { Dialect } from '../../src/store/database.js';
import type { NewJob } from '../../src/store/jobs/enqueue-jobs.js';
import { InProcessJobNotifier } from '../../src/queue/in-process-job-notifier.js';
import type { JobNotifier } from '../../src/queue/job-notifier.js';
import { PostgresJobNotifier } from '../../src/queue/postgres-job-notifier.js';
import { testDatabaseUrl } from '../support/test-database.js';

/** A clock the test moves by hand. */
export class ManualClock implements Clock {
  #nowMs: number;
  constructor(startMs = 1_700_000_000_000) {
    this.#nowMs = startMs;
  }
  nowMs(): number {
    return this.#nowMs;
  }
  advance(ms: number): void {
    this.#nowMs += ms;
  }
}

export function job(queue: string, payload: unknown, extra: Partial<NewJob> = {}): NewJob {
  return { queue, payload, maxAttempts: 3, ...extra };
}

/** The dialect's notifier, started; `stop` releases its connection. */
export async function startNotifier(dialect: Dialect): Promise<{ notifier: JobNotifier; stop(): Promise<void> }> {
  if (dialect === 'sqlite') return { notifier: new InProcessJobNotifier(), stop: async () => {} };
  const notifier = new PostgresJobNotifier({ databaseUrl: testDatabaseUrl });
  await notifier.start();
  return { notifier, stop: () => notifier.stop() };
}

/** Polls `check` until it holds (real time; for worker tests, whose handlers run asynchronously). */
export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
