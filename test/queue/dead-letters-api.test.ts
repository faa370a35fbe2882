import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimDueJobs } from '../../src/store/jobs/claim-due-jobs.js';
import { enqueueJobs } from '../../src/store/jobs/enqueue-jobs.js';
import { failJob } from '../../src/store/jobs/fail-job.js';
import { dialects } from '../support/test-database.js';
import { startTestSwitchboard, type TestSwitchboard } from '../support/test-switchboard.js';
import { job } from './queue-fixtures.js';

interface ErrorBody {
  error: { code: string; message: string };
}
interface DeadLetter {
  id: string;
  queue: string;
  payload: unknown;
  attempts: number;
  error: { code: string; message: string };
  died_at: string;
}
interface ListBody {
  dead_letters: DeadLetter[];
  next_cursor: string | null;
}

const T0 = Date.parse('2025-01-01T00:00:00.000Z');
const at = (ms: number) => new Date(ms).toISOString();

describe.each(dialects)('dead letters API (%s)', (dialect) => {
  let sb: TestSwitchboard;
  const now = { t: T0 };
  beforeAll(async () => {
    sb = await startTestSwitchboard({ dialect, clock: { nowMs: () => now.t } });
  });
  afterAll(async () => {
    await sb.stop();
  });

  const call = (method: 'GET' | 'POST', url: string, payload?: unknown, headers: Record<string, string> = sb.auth) =>
    sb.app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }) });
  const status = async (id: string) => (await sb.store.db.selectFrom('jobs').select(['status', 'attempts']).where('id', '=', id).executeTakeFirstOrThrow());
  const deadCount = async () => (await sb.store.db.selectFrom('jobs').select('id').where('status', '=', 'dead').execute()).length;

  /** Enqueues a job, claims it and fails it for good at `diedAtMs` with `code`: a dead letter. */
  const deadJob = async (queue: string, code: string, diedAtMs: number): Promise<string> => {
    const [enqueued] = await enqueueJobs(sb.store.db, { jobs: [job(queue, { n: diedAtMs })], nowMs: diedAtMs - 1 });
    const id = enqueued?.id ?? '';
    const [claimed] = await claimDueJobs(sb.store.db, { dialect, workerId: 'w', limit: 1, leaseMs: 1_000, nowMs: diedAtMs, queues: [queue] });
    expect(claimed?.id).toBe(id);
    expect(await failJob(sb.store.db, { id, workerId: 'w', attempt: 1, error: { code, message: `${code} happened` }, disposition: 'dead', nowMs: diedAtMs })).toBe('dead');
    return id;
  };

  it('answers 401 without the admin key', async () => {
    for (const [method, url] of [['GET', '/api/v1/dead-letters'], ['POST', '/api/v1/dead-letters/replay'], ['POST', '/api/v1/dead-letters/x/replay']] as const) {
      const response = await call(method, url, undefined, { authorization: 'Bearer wrong-key-000000000000' });
      expect(response.statusCode, `${method} ${url}`).toBe(401);
      expect(response.json<ErrorBody>().error.code).toBe('unauthorized');
    }
  });

  it('lists dead letters newest first, filtered by queue, error code and time, with cursor paging', async () => {
    const a = await deadJob('list-q', 'step_error', T0 + 1_000);
    const b = await deadJob('list-q', 'expression_failed', T0 + 2_000);
    const c = await deadJob('list-q', 'step_error', T0 + 3_000);
    await deadJob('list-other', 'step_error', T0 + 4_000);

    const all = (await call('GET', '/api/v1/dead-letters?queue=list-q')).json<ListBody>();
    expect(all.dead_letters.map((d) => d.id)).toEqual([c, b, a]);
    expect(all.dead_letters[0]).toMatchObject({ queue: 'list-q', payload: { n: T0 + 3_000 }, attempts: 1, error: { code: 'step_error' }, died_at: at(T0 + 3_000) });

    const byCode = (await call('GET', '/api/v1/dead-letters?queue=list-q&error_code=step_error')).json<ListBody>();
    expect(byCode.dead_letters.map((d) => d.id)).toEqual([c, a]);
    const byTime = (await call('GET', `/api/v1/dead-letters?queue=list-q&since=${at(T0 + 2_000)}&until=${at(T0 + 3_000)}`)).json<ListBody>();
    expect(byTime.dead_letters.map((d) => d.id)).toEqual([b]);

    const first = (await call('GET', '/api/v1/dead-letters?queue=list-q&limit=2')).json<ListBody>();
    const second = (await call('GET', `/api/v1/dead-letters?queue=list-q&limit=2&cursor=${first.next_cursor ?? ''}`)).json<ListBody>();
    expect([...first.dead_letters, ...second.dead_letters].map((d) => d.id)).toEqual([c, b, a]);
    expect(second.next_cursor).toBeNull();
  });

  it('answers 400 for a bad cursor or time, and replays nothing for a bad bulk body', async () => {
    await deadJob('bad-q', 'step_error', T0 + 5_000);
    const before = await deadCount();
    for (const [url, code] of [
      ['/api/v1/dead-letters?cursor=%%%', 'cursor_invalid'],
      ['/api/v1/dead-letters?since=yesterday', 'validation_failed'],
      ['/api/v1/dead-letters?limit=501', 'validation_failed'],
    ] as const) {
      const response = await call('GET', url);
      expect(response.statusCode, url).toBe(400);
      expect(response.json<ErrorBody>().error.code, url).toBe(code);
    }
    for (const body of [{ queue: 'bad-q', until: 'tomorrow' }, { queue: 'bad-q', status: 'dead' }]) {
      const response = await call('POST', '/api/v1/dead-letters/replay', body);
      expect(response.statusCode).toBe(400);
      expect(response.json<ErrorBody>().error.code).toBe('validation_failed');
    }
    expect(await deadCount()).toBe(before);
  });

  it('replays one dead letter back to pending with attempts reset, then 404s it', async () => {
    const id = await deadJob('one-q', 'step_error', T0 + 6_000);
    now.t = T0 + 7_000;
    const replayed = await call('POST', `/api/v1/dead-letters/${id}/replay`);
    expect(replayed.statusCode).toBe(200);
    expect(replayed.json()).toEqual({ id, queue: 'one-q', status: 'pending' });
    expect(await status(id)).toMatchObject({ status: 'pending' });
    expect(Number((await status(id)).attempts)).toBe(0);

    for (const unknown of [id, 'nope']) {
      const again = await call('POST', `/api/v1/dead-letters/${unknown}/replay`);
      expect(again.statusCode).toBe(404);
      expect(again.json<ErrorBody>().error.code).toBe('dead_letter_not_found');
    }
  });

  it('bulk-replays by queue, error code and time range, and returns the count', async () => {
    const old = await deadJob('bulk-q', 'step_error', T0 + 10_000);
    const recent = await deadJob('bulk-q', 'step_error', T0 + 20_000);
    const otherCode = await deadJob('bulk-q', 'expression_failed', T0 + 20_000);
    const otherQueue = await deadJob('bulk-other', 'step_error', T0 + 20_000);

    const response = await call('POST', '/api/v1/dead-letters/replay', { queue: 'bulk-q', error_code: 'step_error', since: at(T0 + 15_000) });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ replayed: 1 });
    expect((await status(recent)).status).toBe('pending');
    for (const id of [old, otherCode, otherQueue]) expect((await status(id)).status).toBe('dead');

    const rest = await call('POST', '/api/v1/dead-letters/replay', { queue: 'bulk-q' });
    expect(rest.json()).toEqual({ replayed: 2 });
    expect((await status(otherQueue)).status).toBe('dead');
  });
});
