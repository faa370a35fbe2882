import { describe, expect, it } from 'vitest';
import { analyseRootCause, rcaAgent, type RcaOutput } from '../../src/agents/builtin/rca.js';
import { agentContext, runChecked, seedAlert } from './agent-fixtures.js';

describe('rca agent', () => {
  it("finds connection pool exhaustion in seed 000's example, citing the context", async () => {
    const out = await runChecked<RcaOutput>(rcaAgent, { alert: seedAlert });
    expect(out.root_cause).toBe('Connection pool exhaustion');
    expect(out.confidence).toBeGreaterThanOrEqual(0.9);
    const top = out.hypotheses[0];
    expect(top?.family).toBe('connection_pool_exhaustion');
    expect(top?.evidence.join(' ')).toContain('context.connection_count = 100');
    expect(top?.evidence.join(' ')).toContain('context.max_connections = 100');
    expect(top?.recommended_actions.length).toBeGreaterThan(0);
  });

  it.each([
    ['memory_exhaustion', { description: 'Worker restarted', context: { memory_usage_percent: 97 } }],
    ['memory_exhaustion', { description: 'JavaScript heap out of memory', context: {} }],
    ['disk_full', { description: 'Write failed', context: { disk_usage_percent: 96 } }],
    ['downstream_slowness', { description: 'Checkout requests timed out', context: { p99_latency_ms: 4200, latency_threshold_ms: 800 } }],
    ['bad_deployment', { description: 'Errors spiking', context: { version: '2.4.0', previous_version: '2.3.9', error_rate: 0.12 } }],
    ['certificate_expiry', { description: 'TLS handshake errors', context: { days_until_expiry: -1 } }],
    ['rate_limiting', { description: 'Payments API answering 429 Too Many Requests', context: {} }],
    ['authentication_failure', { description: 'Spike in failed logins', context: { failed_logins: 540 } }],
    ['queue_backlog', { description: 'Orders not processed', context: { queue_depth: 9000, queue_capacity: 10000 } }],
  ])('recognises %s', (family, alert) => {
    expect(analyseRootCause(alert).hypotheses[0]?.family).toBe(family);
  });

  it('sorts hypotheses by confidence and returns "undetermined" when nothing matches', () => {
    const out = analyseRootCause({ description: 'Latency high after deploy', context: { connection_count: 95, max_connections: 100 } });
    const confidences = out.hypotheses.map((h) => h.confidence);
    expect(confidences).toEqual([...confidences].sort((a, b) => b - a));
    expect(out.hypotheses.length).toBeGreaterThan(1);
    expect(analyseRootCause({ description: 'Something odd' })).toEqual({ root_cause: 'undetermined', confidence: 0, hypotheses: [] });
  });

  it('raises the confidence of a cause seen in similar alerts and cites them', async () => {
    const alert = { description: 'Requests slow', context: {} };
    const before = analyseRootCause(alert).hypotheses[0];
    const out = await runChecked<RcaOutput>(rcaAgent, {
      alert,
      similar_alerts: [
        { alert_id: 'a-1', root_cause: 'downstream_slowness' },
        { alert_id: 'a-2', root_cause: 'Slow or unresponsive downstream dependency' },
        { alert_id: 'a-3', root_cause: 'Disk full' },
      ],
    });
    expect(out.hypotheses[0]?.confidence).toBeCloseTo((before?.confidence ?? 0) + 0.1, 10);
    expect(out.hypotheses[0]?.evidence).toContain('same root cause in 2 similar past alerts: a-1, a-2');
  });

  it('offers a recurring past root cause that no rule recognises', () => {
    const out = analyseRootCause({ alert_type: 'batch_failure', description: 'Nightly batch failed' }, [
      { alert_id: 'b-1', alert_type: 'batch_failure', root_cause: 'Upstream file arrived late' },
      { alert_id: 'b-2', alert_type: 'batch_failure', root_cause: 'upstream file arrived late' },
      { alert_id: 'c-1', alert_type: 'other', root_cause: 'Unrelated' },
    ]);
    expect(out.root_cause).toBe('Upstream file arrived late');
    expect(out.hypotheses).toHaveLength(1);
    expect(out.hypotheses[0]).toMatchObject({ family: 'history', confidence: 0.3 });
  });

  it('is deterministic', async () => {
    const input = { alert: seedAlert, similar_alerts: [{ alert_id: 'x', root_cause: 'connection pool exhaustion' }] };
    expect(await rcaAgent.run(agentContext(), input)).toEqual(await rcaAgent.run(agentContext(), input));
  });
});
