import { pino } from 'pino';
import { Value } from 'typebox/value';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AgentContext } from '../../src/agents/agent.js';
import { createAgentServices, type AgentServices } from '../../src/agents/agent-services.js';
import type { PastAlert } from '../../src/agents/alert-schema.js';
import { learningAgent, LearningOutputSchema, type LearningOutput } from '../../src/agents/builtin/learning.js';
import { rcaAgent, type RcaOutput } from '../../src/agents/builtin/rca.js';
import { loadConfig } from '../../src/config/load-config.js';
import type { Store } from '../../src/store/store.js';
import { dialects, openTestStore } from '../support/test-database.js';
import { seedAlert } from './agent-fixtures.js';

const baseMs = Date.parse('2025-11-26T10:30:15Z');

describe.each(dialects)('agents over the store on %s', (dialect) => {
  let store: Store;
  let close: () => Promise<void>;
  let services: AgentServices;
  beforeEach(async () => {
    ({ store, close } = await openTestStore(dialect));
    services = await createAgentServices({ config: loadConfig({ env: {} }), db: store.db, dialect, logger: pino({ level: 'silent' }) });
  });
  afterEach(async () => {
    await close();
  });

  /** A step's context with the store and the learning writer, as the run engine gives it. */
  const ctxFor = (idempotencyKey: string, nowMs = baseMs): AgentContext => ({
    clock: { nowMs: () => nowMs },
    logger: pino({ level: 'silent' }),
    idempotencyKey,
    store: services.store,
    learning: services.learning,
  });

  /** Records an alert the way a learning step does, `minutesAgo` before baseMs. */
  const recordPast = async (key: string, alert: PastAlert, minutesAgo: number): Promise<LearningOutput> =>
    (await learningAgent.run(ctxFor(key, baseMs - minutesAgo * 60_000), { alert, past_alerts: [] })) as LearningOutput;

  const rowCount = async (): Promise<number> => {
    const row = await store.db.selectFrom('learning_data').select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow();
    return Number(row.n);
  };

  it('records the interaction in learning_data, once per idempotency key', async () => {
    const input = { alert: seedAlert, root_cause: 'Connection pool exhaustion', past_alerts: [{ alert_id: 'p-1', alert_type: 'system_failure', root_cause: 'connection pool exhaustion' }] };
    const first = (await learningAgent.run(ctxFor('run-1:learn'), input)) as LearningOutput;
    expect(Value.Check(LearningOutputSchema, first)).toBe(true);
    expect(first.record_id).toEqual(expect.any(String));
    expect(first.patterns_identified.map((p) => p.kind)).toEqual(['recurring_alert_type', 'repeated_root_cause']);

    const row = await store.db.selectFrom('learning_data').selectAll().executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      id: first.record_id,
      idempotency_key: 'run-1:learn',
      agent_name: 'learning',
      interaction_type: 'alert_processed',
      alert_id: 'chainsync-alert-12345',
      alert_type: 'system_failure',
      root_cause: 'Connection pool exhaustion',
      created_at: baseMs,
    });
    expect(JSON.parse(row.input_data)).toEqual({ ...seedAlert, root_cause: 'Connection pool exhaustion' });
    expect(JSON.parse(row.context_data)).toEqual({ alerts_considered: 2, min_count: 2, past_alerts_from: 'input' });
    expect(JSON.parse(row.patterns_identified)).toEqual(first.patterns_identified);

    // A retried step (same key, later, with other past alerts) writes nothing and reports the first record.
    const retried = await learningAgent.run(ctxFor('run-1:learn', baseMs + 5_000), { ...input, past_alerts: [] });
    expect(retried).toEqual(first);
    expect(await rowCount()).toBe(1);

    await learningAgent.run(ctxFor('run-2:learn', baseMs + 5_000), input);
    expect(await rowCount()).toBe(2);
  });

  it('reads recent alerts newest first, by type (case-insensitively), with their root causes', async () => {
    await recordPast('k-1', { alert_id: 'a-1', alert_type: 'system_failure', root_cause: 'Disk full' }, 30);
    await recordPast('k-2', { alert_id: 'a-2', alert_type: 'Disk_Full', affected_systems: ['Batch'] }, 20);
    await recordPast('k-3', { alert_id: 'a-3', alert_type: 'system_failure' }, 10);
    await recordPast('k-4', { alert_id: 'a-4' }, 5);

    expect((await services.store.recentAlerts({ limit: 10 })).map((a) => a.alert_id)).toEqual(['a-4', 'a-3', 'a-2', 'a-1']);
    expect(await services.store.recentAlerts({ alertType: 'SYSTEM_FAILURE ', limit: 10 })).toEqual([
      { alert_id: 'a-3', alert_type: 'system_failure' },
      { alert_id: 'a-1', alert_type: 'system_failure', root_cause: 'Disk full' },
    ]);
    expect(await services.store.recentAlerts({ alertType: 'disk_full', limit: 10 })).toEqual([{ alert_id: 'a-2', alert_type: 'Disk_Full', affected_systems: ['Batch'] }]);
    expect((await services.store.recentAlerts({ limit: 2 })).map((a) => a.alert_id)).toEqual(['a-4', 'a-3']);
    expect(await services.store.recentAlerts({ alertType: 'nothing_like_it', limit: 10 })).toEqual([]);
  });

  it('reads each alert once, as its latest row recorded it, however often it was processed', async () => {
    await recordPast('k-1', { alert_id: 'twice', alert_type: 'system_failure', root_cause: 'Disk full' }, 40);
    await recordPast('k-2', { alert_id: 'once', alert_type: 'system_failure', root_cause: 'Disk full' }, 30);
    await recordPast('k-3', { alert_id: 'twice', alert_type: 'system_failure', root_cause: 'Connection pool exhaustion' }, 20);
    await recordPast('k-4', { alert_id: 'twice', alert_type: 'system_failure', root_cause: 'Connection pool exhaustion' }, 10);
    // Alerts without an id cannot be told apart: each row is one.
    await recordPast('k-5', { alert_type: 'system_failure', description: 'anonymous' }, 8);
    await recordPast('k-6', { alert_type: 'system_failure', description: 'anonymous' }, 6);

    expect(await services.store.recentAlerts({ alertType: 'system_failure', limit: 10 })).toEqual([
      { alert_type: 'system_failure', description: 'anonymous' },
      { alert_type: 'system_failure', description: 'anonymous' },
      { alert_id: 'twice', alert_type: 'system_failure', root_cause: 'Connection pool exhaustion' },
      { alert_id: 'once', alert_type: 'system_failure', root_cause: 'Disk full' },
    ]);
    // The limit counts alerts, not rows: the repeats do not crowd out older alerts.
    expect((await services.store.recentAlerts({ limit: 4 })).map((a) => a.alert_id ?? null)).toEqual([null, null, 'twice', 'once']);
    expect((await services.store.recentAlerts({ limit: 3 })).map((a) => a.alert_id ?? null)).toEqual([null, null, 'twice']);
  });

  it('finds older alerts behind many repeats of a newer one', async () => {
    await recordPast('old', { alert_id: 'older', alert_type: 'latency' }, 100);
    for (let i = 0; i < 45; i += 1) await recordPast(`again-${i}`, { alert_id: 'noisy', alert_type: 'latency', root_cause: `cause ${i}` }, 90 - i);
    expect(await services.store.recentAlerts({ alertType: 'latency', limit: 2 })).toEqual([
      { alert_id: 'noisy', alert_type: 'latency', root_cause: 'cause 44' },
      { alert_id: 'older', alert_type: 'latency' },
    ]);
  });

  it('rca counts an alert processed twice as one piece of evidence', async () => {
    await recordPast('k-1', { alert_id: 'chainsync-alert-11870', alert_type: 'system_failure', root_cause: 'Connection pool exhaustion' }, 120);
    const once = (await rcaAgent.run(ctxFor('run-1:rca'), { alert: { ...seedAlert, context: {} } })) as RcaOutput;
    // The same past alert, processed again (another run: another learning_data row).
    await recordPast('k-2', { alert_id: 'chainsync-alert-11870', alert_type: 'system_failure', root_cause: 'Connection pool exhaustion' }, 60);
    await recordPast('k-3', { alert_id: 'chainsync-alert-11870', alert_type: 'system_failure', root_cause: 'Connection pool exhaustion' }, 30);
    const repeated = (await rcaAgent.run(ctxFor('run-2:rca'), { alert: { ...seedAlert, context: {} } })) as RcaOutput;
    expect(repeated).toEqual(once);
    expect(repeated.hypotheses[0]?.evidence).toContain('same root cause in 1 similar past alert: chainsync-alert-11870');
  });

  it('skips a row whose alert no longer parses instead of failing the step', async () => {
    await recordPast('k-1', { alert_id: 'good', alert_type: 'system_failure' }, 5);
    await store.db
      .insertInto('learning_data')
      .values({ id: 'zzzz', idempotency_key: 'k-bad', agent_name: 'learning', interaction_type: 'alert_processed', alert_id: null, alert_type: 'system_failure', root_cause: null, input_data: '{not json', context_data: '{}', patterns_identified: '[]', created_at: baseMs })
      .execute();
    expect((await services.store.recentAlerts({ alertType: 'system_failure', limit: 10 })).map((a) => a.alert_id)).toEqual(['good']);
  });

  it('learning reads past alerts from the store when the step gives none', async () => {
    await recordPast('k-1', { alert_id: 'p-1', alert_type: 'system_failure', affected_systems: ['User Service'], detected_at: '2025-11-20T10:05:00Z' }, 60);
    await recordPast('k-2', { alert_id: 'p-2', alert_type: 'disk_full', detected_at: '2025-11-21T03:00:00Z' }, 50);
    const out = (await learningAgent.run(ctxFor('run-9:learn'), { alert: seedAlert })) as LearningOutput;
    expect(out.alerts_considered).toBe(3);
    expect(out.patterns_identified).toEqual([
      { kind: 'recurring_alert_type', value: 'system_failure', count: 2, frequency: 0.67, includes_current: true },
      { kind: 'recurring_affected_system', value: 'user service', count: 2, frequency: 0.67, includes_current: true },
      { kind: 'hour_of_day_cluster', value: '10:00-10:59 UTC', count: 2, frequency: 0.67, includes_current: true },
    ]);
    const row = await store.db.selectFrom('learning_data').select('context_data').where('idempotency_key', '=', 'run-9:learn').executeTakeFirstOrThrow();
    expect(JSON.parse(row.context_data)).toMatchObject({ past_alerts_from: 'store', alerts_considered: 3 });

    // history_limit bounds the read: only the newest past alert (disk_full) plus the seed alert's own record.
    const bounded = (await learningAgent.run(ctxFor('run-10:learn'), { alert: { alert_type: 'latency' }, history_limit: 1 })) as LearningOutput;
    expect(bounded.alerts_considered).toBe(2);
  });

  it('rca raises a recurring cause from similar alerts in the store and cites them', async () => {
    const without = (await rcaAgent.run(ctxFor('run-1:rca'), { alert: seedAlert })) as RcaOutput;
    expect(without.confidence).toBe(0.95);

    await recordPast('k-1', { alert_id: 'chainsync-alert-11870', alert_type: 'system_failure', root_cause: 'Connection pool exhaustion' }, 120);
    await recordPast('k-2', { alert_id: 'chainsync-alert-11999', alert_type: 'System_Failure', root_cause: 'Upstream DNS outage' }, 60);
    await recordPast('k-3', { alert_id: 'other-type', alert_type: 'disk_full', root_cause: 'connection pool exhaustion' }, 30);
    // The alert itself, recorded by an earlier delivery, is not its own evidence.
    await recordPast('k-4', { ...seedAlert, root_cause: 'Connection pool exhaustion' }, 1);

    const out = (await rcaAgent.run(ctxFor('run-2:rca'), { alert: seedAlert })) as RcaOutput;
    expect(out.root_cause).toBe('Connection pool exhaustion');
    expect(out.confidence).toBe(1);
    expect(out.hypotheses[0]?.evidence).toContain('same root cause in 1 similar past alert: chainsync-alert-11870');
    expect(out.hypotheses[1]).toMatchObject({ cause: 'Upstream DNS outage', family: 'history', confidence: 0.25, evidence: ['same root cause in 1 similar past alert: chainsync-alert-11999'] });
    expect(out.hypotheses).toHaveLength(2);

    // Deterministic, and a step that passes similar_alerts (even none) is not overridden by the store.
    expect(await rcaAgent.run(ctxFor('run-3:rca'), { alert: seedAlert })).toEqual(out);
    expect(await rcaAgent.run(ctxFor('run-4:rca'), { alert: seedAlert, similar_alerts: [] })).toEqual(without);
  });

  it('rca matches an untyped alert to past alerts on a shared affected system', async () => {
    await recordPast('k-1', { alert_id: 'q-1', affected_systems: ['Orders Queue'], root_cause: 'Queue backlog growth' }, 10);
    await recordPast('k-2', { alert_id: 'q-2', affected_systems: ['Billing'], root_cause: 'Queue backlog growth' }, 5);
    const out = (await rcaAgent.run(ctxFor('run-1:rca'), { alert: { description: 'Orders piling up: backlog', affected_systems: ['orders queue'] } })) as RcaOutput;
    expect(out.hypotheses[0]).toMatchObject({ family: 'queue_backlog', confidence: 0.6, evidence: ['description mentions "backlog"', 'same root cause in 1 similar past alert: q-1'] });
  });

  it('the registered rca reads the store too, marked as the deterministic fallback without an LLM', async () => {
    await recordPast('k-1', { alert_id: 'chainsync-alert-11870', alert_type: 'system_failure', root_cause: 'connection_pool_exhaustion' }, 120);
    const out = await services.registry.getAgent('rca')?.run(ctxFor('run-1:rca'), { alert: seedAlert });
    expect(out).toMatchObject({ root_cause: 'Connection pool exhaustion', confidence: 1, fallback: true, fallback_reason: 'not_configured' });
  });
});
