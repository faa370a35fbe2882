import type { Selectable } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DELIVERY_JOB_MAX_CLAIMS } from '../../src/delivery/dispatch/delivery-queue.js';
import { deliveryJob } from '../../src/delivery/notifications/prepare-notification.js';
import type { DeliveryAttemptsTable, DeliveryLogsTable } from '../../src/store/database.js';
import { commitDeliveryOutcomes, type DeliveryChange, type DeliveryCommitResult, type DeliveryOutcome } from '../../src/store/deliveries/commit-delivery-outcomes.js';
import { commitDeliveryOutcomesPostgres } from '../../src/store/deliveries/commit-delivery-outcomes-postgres.js';
import { findDelivery } from '../../src/store/deliveries/find-delivery.js';
import { claimDueJobs } from '../../src/store/jobs/claim-due-jobs.js';
import type { JobClaim } from '../../src/store/jobs/job-claim.js';
import { commitNotifications } from '../../src/store/notifications/commit-notifications.js';
import { disableUserOverride } from '../../src/store/user-integrations/disable-user-override.js';
import { findUserOverrides } from '../../src/store/user-integrations/find-user-overrides.js';
import type { Store } from '../../src/store/store.js';
import { dialects, openTestStore } from '../support/test-database.js';
import { backendPid, countRows, deliveryJobs, deliveryRow, holdTransaction, idAt, newNotification, overrideRow, waitUntilWaiting } from './delivery-fixtures.js';
import { BASE_MS } from './ingest-fixtures.js';

const LEASE = 60_000;
const CLAIMED_AT = BASE_MS + 1_000;
const NOW = BASE_MS + 2_000;

/** What a successful first attempt changes. */
function sentChange(overrides: Partial<DeliveryChange> = {}): DeliveryChange {
  return {
    status: 'SUCCESS',
    attempts: 1,
    next_attempt_at: null,
    last_status_code: 250,
    error_code: null,
    error_message: null,
    provider_message_id: 'msg-1',
    progress: null,
    finished_at: NOW,
    updated_at: NOW,
    ...overrides,
  };
}

/** What a failed first attempt, to be retried, changes. */
function retryChange(overrides: Partial<DeliveryChange> = {}): DeliveryChange {
  return {
    status: 'RETRYING',
    attempts: 1,
    next_attempt_at: NOW + 5_000,
    last_status_code: 421,
    error_code: 'smtp_421',
    error_message: 'Service not available',
    provider_message_id: null,
    progress: JSON.stringify({ segments_sent: 1 }),
    finished_at: null,
    updated_at: NOW,
    ...overrides,
  };
}

function attemptRow(deliveryId: string, attempt: number, overrides: Partial<DeliveryAttemptsTable> = {}): DeliveryAttemptsTable {
  return {
    delivery_id: deliveryId,
    attempt,
    started_at: NOW - 120,
    latency_ms: 120,
    outcome: 'sent',
    status_code: 250,
    error_code: null,
    error_message: null,
    provider_message_id: 'msg-1',
    ...overrides,
  };
}

/** Each dialect with each implementation main uses or may use: the Kysely one (SQLite's writer thread) and PostgreSQL's single statement. */
const implementations = dialects.flatMap((dialect) => (dialect === 'postgres' ? [[dialect, 'kysely'], [dialect, 'single statement']] : [[dialect, 'kysely']]) as Array<[typeof dialect, string]>);

describe.each(implementations)('delivery outcomes commit (%s, %s)', (dialect, implementation) => {
  let store: Store;
  let close: () => Promise<void>;
  beforeEach(async () => {
    ({ store, close } = await openTestStore(dialect));
  });
  afterEach(async () => {
    await close();
  });

  const commit = async (items: readonly DeliveryOutcome[]) => {
    if (implementation === 'kysely') return store.db.transaction().execute((trx) => commitDeliveryOutcomes(trx, items));
    const results = await commitDeliveryOutcomesPostgres(store.db, items);
    for (const result of results) if (result instanceof Error) throw result;
    return results as DeliveryCommitResult[];
  };
  const jobRow = (id: string) => store.db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const delivery = async (id: string): Promise<Selectable<DeliveryLogsTable>> => (await findDelivery(store.db, id))?.delivery ?? expect.fail(`no delivery ${id}`);
  const attemptsOf = async (id: string) => (await findDelivery(store.db, id))?.attempts ?? [];

  /** `count` notifications of one EMAIL delivery each, committed with their jobs, every job claimed by `w1`. */
  async function claimedDeliveries(count: number): Promise<Array<{ readonly deliveryId: string; readonly claim: JobClaim }>> {
    const items = Array.from({ length: count }, (_, i) => newNotification({ id: idAt(i * 10), userId: `u${i}`, nowMs: BASE_MS + i * 10 }));
    await store.db.transaction().execute((trx) => commitNotifications(trx, items, BASE_MS));
    const claimed = await claimDueJobs(store.db, { dialect, workerId: 'w1', queues: ['deliveries'], limit: count, leaseMs: LEASE, nowMs: CLAIMED_AT });
    expect(claimed).toHaveLength(count);
    return items.map((item) => {
      const deliveryId = item.deliveries[0]?.delivery_id ?? '';
      const job = claimed.find((row) => (JSON.parse(row.payload) as { delivery_id: string }).delivery_id === deliveryId);
      if (job === undefined) throw new Error(`no claimed job for ${deliveryId}`);
      return { deliveryId, claim: { id: job.id, workerId: 'w1', attempt: job.attempts } };
    });
  }
  async function claimedDelivery() {
    const [one] = await claimedDeliveries(1);
    if (one === undefined) throw new Error('no delivery');
    return one;
  }

  function outcome(target: { readonly deliveryId: string; readonly claim: JobClaim }, overrides: Partial<DeliveryOutcome> = {}): DeliveryOutcome {
    return {
      claim: target.claim,
      deliveryId: target.deliveryId,
      expectedAttempts: 0,
      change: sentChange(),
      attempt: attemptRow(target.deliveryId, 1),
      job: { outcome: 'completed' },
      nowMs: NOW,
      ...overrides,
    };
  }

  /** Everything a commit could write, to compare before and after one that must write nothing. */
  async function snapshot() {
    return {
      deliveries: await store.db.selectFrom('delivery_logs').selectAll().orderBy('delivery_id').execute(),
      attempts: await store.db.selectFrom('delivery_attempts').selectAll().orderBy('delivery_id').orderBy('attempt').execute(),
      jobs: await store.db.selectFrom('jobs').selectAll().orderBy('id').execute(),
      overrides: await store.db.selectFrom('user_integration_configs').selectAll().orderBy('id').execute(),
    };
  }

  it('completes the job, applies the change and records the attempt', async () => {
    const target = await claimedDelivery();
    const before = await delivery(target.deliveryId);

    expect(await commit([outcome(target)])).toEqual(['committed']);

    expect(await jobRow(target.claim.id)).toMatchObject({ status: 'succeeded', locked_by: null, locked_until: null, finished_at: NOW, updated_at: NOW, attempts: 1 });
    expect(await delivery(target.deliveryId)).toEqual({ ...before, ...sentChange() });
    expect(await attemptsOf(target.deliveryId)).toEqual([attemptRow(target.deliveryId, 1)]);
  });

  it('puts the job back to pending at runAtMs with the error when the outcome is a retry', async () => {
    const target = await claimedDelivery();
    const before = await delivery(target.deliveryId);
    const failed = attemptRow(target.deliveryId, 1, { outcome: 'failed', status_code: 421, error_code: 'smtp_421', error_message: 'Service not available', provider_message_id: null });

    const results = await commit([
      outcome(target, { change: retryChange(), attempt: failed, job: { outcome: 'retry', runAtMs: NOW + 5_000, error: { code: 'smtp_421', message: 'Service not available' } } }),
    ]);

    expect(results).toEqual(['committed']);
    const job = await jobRow(target.claim.id);
    expect(job).toMatchObject({ status: 'pending', run_at: NOW + 5_000, locked_by: null, locked_until: null, last_error_code: 'smtp_421', finished_at: null, attempts: 1 });
    expect(JSON.parse(job.last_error ?? 'null')).toEqual({ code: 'smtp_421', message: 'Service not available' });
    expect(await delivery(target.deliveryId)).toEqual({ ...before, ...retryChange() });
    expect(await attemptsOf(target.deliveryId)).toEqual([failed]);
  });

  it('writes nothing under a claim that is not held: wrong worker or wrong attempt', async () => {
    const target = await claimedDelivery();
    await store.db.insertInto('user_integration_configs').values(overrideRow('ov-1', 'u0', 'EMAIL')).execute();
    const before = await snapshot();
    const everything = {
      failover: { delivery: deliveryRow(idAt(500, 1), idAt(0), { integration_type: 'SMS', sequence: 1 }), job: deliveryJob(idAt(500, 1), NOW) },
      disableOverride: { id: 'ov-new', userId: 'u0', integrationType: 'EMAIL' },
    };

    const results = await commit([
      outcome(target, { claim: { ...target.claim, workerId: 'w2' }, ...everything }),
      outcome(target, { claim: { ...target.claim, attempt: 2 }, ...everything }),
      outcome(target, { claim: { ...target.claim, id: idAt(999) }, ...everything }),
      outcome(target, { claim: { ...target.claim, workerId: 'w2' }, ...everything, job: { outcome: 'retry', runAtMs: NOW + 1, error: { code: 'x', message: 'y' } } }),
    ]);

    expect(results).toEqual(['lost_claim', 'lost_claim', 'lost_claim', 'lost_claim']);
    expect(await snapshot()).toEqual(before);
    expect(await jobRow(target.claim.id)).toMatchObject({ status: 'running', locked_by: 'w1', attempts: 1 });
  });

  it('writes nothing once the job was reclaimed after its lease expired, and the new holder commits', async () => {
    const target = await claimedDelivery();
    const reclaimedAt = CLAIMED_AT + LEASE + 1;
    const [reclaimed] = await claimDueJobs(store.db, { dialect, workerId: 'w2', queues: ['deliveries'], limit: 1, leaseMs: LEASE, nowMs: reclaimedAt });
    expect(reclaimed).toMatchObject({ id: target.claim.id, locked_by: 'w2', attempts: 2 });
    const before = await snapshot();

    expect(await commit([outcome(target, { nowMs: reclaimedAt + 1 })])).toEqual(['lost_claim']);
    expect(await snapshot()).toEqual(before);

    // The same worker id at the old attempt is still not the holder.
    const [again] = await claimDueJobs(store.db, { dialect, workerId: 'w1', queues: ['deliveries'], limit: 1, leaseMs: LEASE, nowMs: reclaimedAt + 2 * LEASE });
    expect(again).toMatchObject({ id: target.claim.id, locked_by: 'w1', attempts: 3 });
    expect(await commit([outcome(target)])).toEqual(['lost_claim']);
    expect(await snapshot()).toEqual({ ...before, jobs: [await jobRow(target.claim.id)] });

    expect(await commit([outcome(target, { claim: { ...target.claim, attempt: 3 } })])).toEqual(['committed']);
    expect(await delivery(target.deliveryId)).toMatchObject({ status: 'SUCCESS', attempts: 1 });
  });

  it('settles the job but leaves the delivery alone when its attempts moved meanwhile (stale)', async () => {
    const target = await claimedDelivery();
    await store.db.updateTable('delivery_logs').set({ attempts: 1, status: 'RETRYING' }).where('delivery_id', '=', target.deliveryId).execute();
    await store.db.insertInto('user_integration_configs').values(overrideRow('ov-1', 'u0', 'EMAIL')).execute();
    const before = await snapshot();

    const results = await commit([
      outcome(target, {
        expectedAttempts: 0,
        failover: { delivery: deliveryRow(idAt(500, 1), idAt(0), { integration_type: 'SMS', sequence: 1 }), job: deliveryJob(idAt(500, 1), NOW) },
        disableOverride: { id: 'ov-new', userId: 'u0', integrationType: 'EMAIL' },
      }),
    ]);

    expect(results).toEqual(['stale']);
    expect(await jobRow(target.claim.id)).toMatchObject({ status: 'succeeded', locked_by: null, finished_at: NOW });
    const after = await snapshot();
    expect({ ...after, jobs: [] }).toEqual({ ...before, jobs: [] });
    expect(after.jobs).toHaveLength(1);
  });

  it.each(['SUCCESS', 'FAILED', 'EXPIRED'] as const)('never changes a delivery already %s, even with matching attempts (stale)', async (status) => {
    const target = await claimedDelivery();
    await store.db.updateTable('delivery_logs').set({ status, finished_at: CLAIMED_AT }).where('delivery_id', '=', target.deliveryId).execute();
    const before = await delivery(target.deliveryId);

    const results = await commit([
      outcome(target, { change: retryChange(), job: { outcome: 'retry', runAtMs: NOW + 5_000, error: { code: 'smtp_421', message: 'again' } } }),
    ]);

    expect(results).toEqual(['stale']);
    expect(await delivery(target.deliveryId)).toEqual(before);
    expect(await attemptsOf(target.deliveryId)).toEqual([]);
    expect(await jobRow(target.claim.id)).toMatchObject({ status: 'pending', run_at: NOW + 5_000, locked_by: null });
  });

  it('inserts the failover delivery and its job with the change', async () => {
    const target = await claimedDelivery();
    const nextId = idAt(500, 1);
    const next = deliveryRow(nextId, idAt(0), { user_id: 'u0', integration_type: 'SMS', sequence: 1, created_at: NOW, updated_at: NOW, next_attempt_at: NOW, expires_at: NOW + 1_000 });

    const results = await commit([
      outcome(target, {
        change: sentChange({ status: 'FAILED', provider_message_id: null, last_status_code: 550, error_code: 'smtp_550', error_message: 'No such user' }),
        attempt: attemptRow(target.deliveryId, 1, { outcome: 'failed', status_code: 550 }),
        failover: { delivery: next, job: deliveryJob(nextId, NOW + 10) },
      }),
    ]);

    expect(results).toEqual(['committed']);
    expect(await delivery(target.deliveryId)).toMatchObject({ status: 'FAILED', attempts: 1, error_code: 'smtp_550' });
    expect(await delivery(nextId)).toEqual(next);
    const jobs = await deliveryJobs(store.db);
    expect(jobs.find((job) => job.delivery_id === nextId)).toEqual({ delivery_id: nextId, status: 'pending', run_at: NOW + 10, max_attempts: DELIVERY_JOB_MAX_CLAIMS });
    expect(await countRows(store.db, 'jobs')).toBe(2);
  });

  it('creates no second delivery at a position that already has one (a manual retry of a delivery that failed over)', async () => {
    const [first, second] = await claimedDeliveries(2);
    const taken = idAt(500, 1);
    const again = idAt(600, 1);
    const results = await commit([
      outcome(first as NonNullable<typeof first>, { failover: { delivery: deliveryRow(taken, idAt(0), { user_id: 'u0', sequence: 1 }), job: deliveryJob(taken, NOW) } }),
      outcome(second as NonNullable<typeof second>, { failover: { delivery: deliveryRow(again, idAt(0), { user_id: 'u0', sequence: 1 }), job: deliveryJob(again, NOW) } }),
    ]);
    expect(results).toEqual(['committed', 'committed']);
    expect((await findDelivery(store.db, taken))?.delivery.sequence).toBe(1);
    expect(await findDelivery(store.db, again)).toBeUndefined();
    expect((await deliveryJobs(store.db)).filter((job) => job.delivery_id === taken || job.delivery_id === again).map((job) => job.delivery_id)).toEqual([taken]);
  });

  it('creates a disabled override for a user on defaults', async () => {
    const target = await claimedDelivery();

    expect(await commit([outcome(target, { disableOverride: { id: 'ov-new', userId: 'u0', integrationType: 'WEBHOOK' } })])).toEqual(['committed']);

    expect(await findUserOverrides(store.db, ['u0'])).toEqual([
      { id: 'ov-new', user_id: 'u0', integration_type: 'WEBHOOK', enabled: 0, priority: null, retry_count: null, retry_delay_seconds: null, config: '{}', secrets: null, created_at: NOW, updated_at: NOW },
    ]);
  });

  it('disables an existing override, keeping its id, config and secrets', async () => {
    const target = await claimedDelivery();
    const existing = overrideRow('ov-1', 'u0', 'WEBHOOK', { config: JSON.stringify({ url: 'https://hooks.example/u0' }), secrets: 'ciphertext-9' });
    await store.db.insertInto('user_integration_configs').values([existing, overrideRow('ov-2', 'u0', 'EMAIL')]).execute();

    expect(await commit([outcome(target, { disableOverride: { id: 'ov-new', userId: 'u0', integrationType: 'WEBHOOK' } })])).toEqual(['committed']);

    const overrides = await findUserOverrides(store.db, ['u0']);
    expect(overrides.sort((a, b) => a.id.localeCompare(b.id))).toEqual([{ ...existing, enabled: 0, updated_at: NOW }, overrideRow('ov-2', 'u0', 'EMAIL')]);
  });

  it('keeps one row per (delivery, attempt): an attempt already recorded is not duplicated', async () => {
    const target = await claimedDelivery();
    const recorded = attemptRow(target.deliveryId, 1, { outcome: 'failed', status_code: 500, provider_message_id: null });
    await store.db.insertInto('delivery_attempts').values(recorded).execute();

    expect(await commit([outcome(target)])).toEqual(['committed']);

    // ON CONFLICT DO NOTHING: the first row recorded for the attempt stays.
    expect(await attemptsOf(target.deliveryId)).toEqual([recorded]);
    expect(await delivery(target.deliveryId)).toMatchObject(sentChange());
  });

  it('commits outcomes without an attempt (a decision not to send)', async () => {
    const target = await claimedDelivery();
    const expired = sentChange({ status: 'EXPIRED', attempts: 0, provider_message_id: null, last_status_code: null, error_code: 'expired', error_message: 'not sent in time' });

    expect(await commit([outcome(target, { change: expired, attempt: undefined })])).toEqual(['committed']);

    expect(await delivery(target.deliveryId)).toMatchObject(expired);
    expect(await attemptsOf(target.deliveryId)).toEqual([]);
  });

  it('gives each item of one transaction its own result and effects', async () => {
    const [sent, lost, stale, retried] = await claimedDeliveries(4);
    if (sent === undefined || lost === undefined || stale === undefined || retried === undefined) throw new Error('setup');
    await store.db.updateTable('delivery_logs').set({ attempts: 3 }).where('delivery_id', '=', stale.deliveryId).execute();
    const lostBefore = await delivery(lost.deliveryId);
    const staleBefore = await delivery(stale.deliveryId);
    const failoverId = idAt(900, 1);

    const results = await commit([
      outcome(sent, { failover: { delivery: deliveryRow(failoverId, idAt(0), { integration_type: 'SMS', sequence: 1 }), job: deliveryJob(failoverId, NOW) } }),
      outcome(lost, { claim: { ...lost.claim, workerId: 'other' }, disableOverride: { id: 'ov-lost', userId: 'u1', integrationType: 'EMAIL' } }),
      outcome(stale, { disableOverride: { id: 'ov-stale', userId: 'u2', integrationType: 'EMAIL' } }),
      outcome(retried, { change: retryChange(), job: { outcome: 'retry', runAtMs: NOW + 7_000, error: { code: 'smtp_421', message: 'later' } }, disableOverride: { id: 'ov-retried', userId: 'u3', integrationType: 'EMAIL' } }),
    ]);

    expect(results).toEqual(['committed', 'lost_claim', 'stale', 'committed']);
    expect(await delivery(sent.deliveryId)).toMatchObject(sentChange());
    expect(await delivery(lost.deliveryId)).toEqual(lostBefore);
    expect(await delivery(stale.deliveryId)).toEqual(staleBefore);
    expect(await delivery(retried.deliveryId)).toMatchObject(retryChange());
    expect((await jobRow(sent.claim.id)).status).toBe('succeeded');
    expect((await jobRow(lost.claim.id)).status).toBe('running');
    expect((await jobRow(stale.claim.id)).status).toBe('succeeded');
    expect(await jobRow(retried.claim.id)).toMatchObject({ status: 'pending', run_at: NOW + 7_000 });
    expect((await store.db.selectFrom('delivery_attempts').select('delivery_id').orderBy('delivery_id').execute()).map((r) => r.delivery_id)).toEqual([sent.deliveryId, retried.deliveryId]);
    expect((await findUserOverrides(store.db, ['u1', 'u2', 'u3'])).map((o) => o.id)).toEqual(['ov-retried']);
    expect(await delivery(failoverId)).toMatchObject({ integration_type: 'SMS', sequence: 1, status: 'PENDING' });
    expect(await countRows(store.db, 'jobs')).toBe(5);
  });

  it('writes nothing when the caller rolls back', async () => {
    const target = await claimedDelivery();
    const before = await snapshot();
    const failure = new Error('later step failed');
    await expect(
      store.db.transaction().execute(async (trx) => {
        await commitDeliveryOutcomes(trx, [outcome(target, { failover: { delivery: deliveryRow(idAt(500, 1), idAt(0)), job: deliveryJob(idAt(500, 1), NOW) } })]);
        throw failure;
      }),
    ).rejects.toBe(failure);
    expect(await snapshot()).toEqual(before);
  });

  it('commits an outcome once when two transactions commit it at the same time', async () => {
    const target = await claimedDelivery();
    const failoverId = idAt(500, 1);
    const item = outcome(target, { failover: { delivery: deliveryRow(failoverId, idAt(0), { sequence: 1 }), job: deliveryJob(failoverId, NOW) } });

    const [[a], [b]] = await Promise.all([commit([item]), commit([item])]);

    expect([a, b].sort()).toEqual(['committed', 'lost_claim']);
    expect(await attemptsOf(target.deliveryId)).toHaveLength(1);
    expect(await countRows(store.db, 'delivery_logs')).toBe(2);
    expect(await countRows(store.db, 'jobs')).toBe(2);
  });

  it('commits two concurrent batches that switch off the same overrides in opposite orders', async () => {
    // Two instances whose batches both carry 410s for users u-a and u-b: a third transaction holding
    // u-held's override makes each batch write its first override before either reaches the other's.
    const [a1, a2, a3, b1, b2, b3] = await claimedDeliveries(6);
    if (a1 === undefined || a2 === undefined || a3 === undefined || b1 === undefined || b2 === undefined || b3 === undefined) throw new Error('setup');
    let made = 0;
    const off = (userId: string) => ({ disableOverride: { id: `ov-${++made}`, userId, integrationType: 'WEBHOOK' } });
    const holder = await holdTransaction(store, (trx) => disableUserOverride(trx, { id: 'ov-held', userId: 'u-held', integrationType: 'WEBHOOK', nowMs: NOW }));

    const pids: number[] = [];
    const commitNoting = (items: readonly DeliveryOutcome[]) =>
      store.db.transaction().execute(async (trx) => {
        const pid = await backendPid(store, trx);
        if (pid !== undefined) pids.push(pid);
        return commitDeliveryOutcomes(trx, items);
      });
    const both = Promise.allSettled([
      commitNoting([outcome(a1, off('u-a')), outcome(a2, off('u-held')), outcome(a3, off('u-b'))]),
      commitNoting([outcome(b1, off('u-b')), outcome(b2, off('u-held')), outcome(b3, off('u-a'))]),
    ]);
    await waitUntilWaiting(store, pids, 2);
    await holder.release();
    const settled = await both;

    expect(settled.map((r) => (r.status === 'fulfilled' ? r.value : String((r.reason as Error).message)))).toEqual([
      ['committed', 'committed', 'committed'],
      ['committed', 'committed', 'committed'],
    ]);
    const overrides = await findUserOverrides(store.db, ['u-a', 'u-b', 'u-held']);
    expect(overrides.map((o) => [o.user_id, o.enabled]).sort()).toEqual([
      ['u-a', 0],
      ['u-b', 0],
      ['u-held', 0],
    ]);
  });

  it('either commits the outcome or loses the job to a concurrent reclaim, never both', async () => {
    const target = await claimedDelivery();
    const reclaimAt = CLAIMED_AT + LEASE + 1;

    const [[result], reclaimed] = await Promise.all([
      commit([outcome(target, { nowMs: reclaimAt })]),
      claimDueJobs(store.db, { dialect, workerId: 'w2', queues: ['deliveries'], limit: 1, leaseMs: LEASE, nowMs: reclaimAt }),
    ]);

    expect(result === 'committed').toBe(reclaimed.length === 0);
    const after = await delivery(target.deliveryId);
    if (result === 'committed') {
      expect(after).toMatchObject(sentChange());
      expect(await jobRow(target.claim.id)).toMatchObject({ status: 'succeeded' });
    } else {
      expect(after).toMatchObject({ status: 'PENDING', attempts: 0 });
      expect(await jobRow(target.claim.id)).toMatchObject({ status: 'running', locked_by: 'w2', attempts: 2 });
    }
  });
});
