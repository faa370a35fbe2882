import { describe, expect, it } from 'vitest';
import { findPatterns, learningAgent, type LearningOutput } from '../../src/agents/builtin/learning.js';
import { agentContext, runChecked, seedAlert } from './agent-fixtures.js';

const pastAlerts = [
  { alert_id: 'p-1', alert_type: 'system_failure', affected_systems: ['User Service'], detected_at: '2025-11-20T10:05:00Z', root_cause: 'Connection pool exhaustion' },
  { alert_id: 'p-2', alert_type: 'system_failure', affected_systems: ['API Gateway', 'user service'], detected_at: '2025-11-22T10:45:00Z', root_cause: 'connection pool exhaustion' },
  { alert_id: 'p-3', alert_type: 'disk_full', affected_systems: ['Batch Host'], detected_at: '2025-11-23T03:00:00Z', root_cause: 'Disk full' },
  { alert_id: 'chainsync-alert-12345', alert_type: 'system_failure', detected_at: '2025-11-26T10:30:00Z' },
];

describe('learning agent', () => {
  it("finds the recurring patterns around seed 000's example, shaped for learning_data", async () => {
    const out = await runChecked<LearningOutput>(learningAgent, { alert: seedAlert, root_cause: 'Connection pool exhaustion', past_alerts: pastAlerts });
    expect(out).toMatchObject({ agent_name: 'learning', interaction_type: 'alert_processed', recorded_at: '2025-11-26T10:30:15.000Z', alerts_considered: 4 });
    expect(out.patterns_identified).toEqual([
      { kind: 'recurring_alert_type', value: 'system_failure', count: 3, frequency: 0.75, includes_current: true },
      { kind: 'recurring_affected_system', value: 'user service', count: 3, frequency: 0.75, includes_current: true },
      { kind: 'hour_of_day_cluster', value: '10:00-10:59 UTC', count: 3, frequency: 0.75, includes_current: true },
      { kind: 'repeated_root_cause', value: 'connection pool exhaustion', count: 3, frequency: 0.75, includes_current: true },
      { kind: 'recurring_affected_system', value: 'api gateway', count: 2, frequency: 0.5, includes_current: true },
    ]);
  });

  it('reports nothing for a first alert, and honours min_count, agent_name and interaction_type', async () => {
    const alone = await runChecked<LearningOutput>(learningAgent, { alert: seedAlert });
    expect(alone.patterns_identified).toEqual([]);
    expect(alone.alerts_considered).toBe(1);
    const loose = await runChecked<LearningOutput>(learningAgent, { alert: seedAlert, min_count: 1, agent_name: 'rca', interaction_type: 'root_cause_found' });
    expect(loose).toMatchObject({ agent_name: 'rca', interaction_type: 'root_cause_found' });
    expect(loose.patterns_identified.map((p) => p.kind)).toEqual(['recurring_alert_type', 'recurring_affected_system', 'recurring_affected_system', 'hour_of_day_cluster']);
  });

  it('reports patterns among past alerts that do not involve the current one', () => {
    const { patterns } = findPatterns({ alert_id: 'new', alert_type: 'latency' }, [
      { alert_id: 'a', alert_type: 'disk_full', detected_at: 'not a date' },
      { alert_id: 'b', alert_type: 'disk_full', root_cause: 'undetermined' },
    ]);
    expect(patterns).toEqual([{ kind: 'recurring_alert_type', value: 'disk_full', count: 2, frequency: 0.67, includes_current: false }]);
  });

  it('is deterministic for a pinned clock', async () => {
    const input = { alert: seedAlert, past_alerts: pastAlerts };
    expect(await learningAgent.run(agentContext(), input)).toEqual(await learningAgent.run(agentContext(), input));
  });
});
