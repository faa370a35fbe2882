import { describe, expect, it } from 'vitest';
import { assessUrgency, triageAgent, type TriageOutput } from '../../src/agents/builtin/triage.js';
import { agentContext, runChecked, seedAlert } from './agent-fixtures.js';

describe('triage agent', () => {
  it("gives seed 000's example exactly CRITICAL, 1.0, < 1 hour", async () => {
    const out = await runChecked<TriageOutput>(triageAgent, { alert: seedAlert });
    expect({ level: out.level, score: out.score, recommended_response_time: out.recommended_response_time }).toEqual({
      level: 'CRITICAL',
      score: 1.0,
      recommended_response_time: '< 1 hour',
    });
    expect(out.factors[0]).toEqual({ kind: 'severity', value: 'critical', contribution: 1 });
  });

  it.each([
    ['sev1', 'CRITICAL'],
    ['P1', 'CRITICAL'],
    ['high', 'HIGH'],
    ['major', 'HIGH'],
    ['medium', 'MEDIUM'],
    ['warning', 'MEDIUM'],
    ['low', 'LOW'],
    ['minor', 'LOW'],
    ['info', 'LOW'],
  ])('maps severity %s on a plain alert to %s', (severity, level) => {
    expect(assessUrgency({ severity, description: 'something happened' }).level).toBe(level);
  });

  it('uses the documented response times per level', () => {
    expect(assessUrgency({ severity: 'high' }).recommended_response_time).toBe('< 4 hours');
    expect(assessUrgency({ severity: 'medium' }).recommended_response_time).toBe('< 24 hours');
    expect(assessUrgency({ severity: 'low' }).recommended_response_time).toBe('< 1 week');
  });

  it('raises urgency for dangerous alert types, critical systems and keywords', () => {
    const plain = assessUrgency({ severity: 'high', alert_type: 'disk_warning', description: 'noted' });
    expect(plain).toMatchObject({ level: 'HIGH', score: 0.75 });
    const breach = assessUrgency({ severity: 'high', alert_type: 'security_breach', description: 'noted' });
    expect(breach).toMatchObject({ level: 'CRITICAL', score: 0.95 });
    const medium = assessUrgency({ severity: 'medium', alert_type: 'system_failure', affected_systems: ['Payment Service'], description: 'checkout is down' });
    expect(medium.level).toBe('HIGH');
    expect(medium.factors.map((f) => f.kind)).toEqual(['severity', 'alert_type', 'affected_systems', 'keyword']);
  });

  it('caps keyword contributions and the score', () => {
    const out = assessUrgency({ severity: 'low', description: 'outage: service down, data loss, breach, crash, exhausted' });
    expect(out.factors.filter((f) => f.kind === 'keyword')).toHaveLength(3);
    expect(out.score).toBe(0.4);
    expect(assessUrgency({ ...seedAlert, affected_systems: ['a', 'b', 'c', 'Database'] }).score).toBe(1);
  });

  it('scores an alert without a severity as unknown, and uses critical systems from the input', async () => {
    const out = await runChecked<TriageOutput>(triageAgent, { alert: { affected_systems: ['ledger'] }, critical_systems: ['ledger'] });
    expect(out.factors).toEqual([
      { kind: 'severity', value: 'unknown', contribution: 0.4 },
      { kind: 'affected_systems', value: 'critical: ledger', contribution: 0.1 },
    ]);
    expect(out).toMatchObject({ level: 'MEDIUM', score: 0.5 });
  });

  it('is deterministic', async () => {
    const input = { alert: { ...seedAlert, severity: 'medium' } };
    expect(await triageAgent.run(agentContext(), input)).toEqual(await triageAgent.run(agentContext(), input));
  });
});
