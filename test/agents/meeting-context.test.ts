import { describe, expect, it } from 'vitest';
import { analyseRootCause } from '../../src/agents/builtin/rca.js';
import { checkCompliance } from '../../src/agents/builtin/compliance.js';
import { humaniseAlertType, meetingContextAgent, type MeetingContextOutput } from '../../src/agents/builtin/meeting-context.js';
import { assessUrgency } from '../../src/agents/builtin/triage.js';
import { agentContext, runChecked, seedAlert } from './agent-fixtures.js';

const teamMapping = {
  by_system: { 'api gateway': ['devops@company.com'], 'User Service': ['sre@company.com', 'devops@company.com'] },
  by_alert_type: { security_breach: ['security@company.com'] },
  default: ['oncall@company.com'],
};

describe('meeting_context agent', () => {
  it("briefs seed 000's example from triage, RCA and compliance outputs", async () => {
    const input = {
      alert: seedAlert,
      triage: assessUrgency(seedAlert),
      rca: analyseRootCause(seedAlert),
      compliance: await checkCompliance({ alert: seedAlert }),
      team_mapping: teamMapping,
    };
    const out = await runChecked<MeetingContextOutput>(meetingContextAgent, input);
    expect(out.title).toBe('[CRITICAL] System Failure Review');
    expect(out.urgency_level).toBe('CRITICAL');
    expect(out.duration_minutes).toBe(60);
    expect(out.attendees).toEqual(['devops@company.com', 'sre@company.com']);
    expect(out.alert_reference).toBe('chainsync-alert-12345');
    expect(out.why_scheduled).toContain('CRITICAL urgency');
    expect(out.why_scheduled).toContain('< 1 hour');
    expect(out.why_scheduled).toContain('Likely root cause: Connection pool exhaustion');
    expect(out.why_scheduled).toContain('AVAIL-001');
    expect(out.discussion_points[0]).toBe('Impact on API Gateway, User Service: users and dependants affected');
    expect(out.discussion_points.some((p) => p.startsWith('Root cause hypothesis: Connection pool exhaustion (95%)'))).toBe(true);
    expect(out.discussion_points.some((p) => p.startsWith('Compliance AVAIL-001 [high]'))).toBe(true);
  });

  it('computes triage itself when none is given, with durations by urgency', async () => {
    const cases = [
      ['critical', 60, 'CRITICAL'],
      ['high', 45, 'HIGH'],
      ['medium', 30, 'MEDIUM'],
      ['low', 15, 'LOW'],
    ] as const;
    for (const [severity, minutes, level] of cases) {
      const out = await runChecked<MeetingContextOutput>(meetingContextAgent, { alert: { severity, alert_type: 'latency-spike' } });
      expect(out).toMatchObject({ duration_minutes: minutes, urgency_level: level, title: `[${level}] Latency Spike Review` });
    }
  });

  it('picks attendees by alert type, falls back to the default list, and to none without a mapping', async () => {
    const breach = await runChecked<MeetingContextOutput>(meetingContextAgent, { alert: { alert_type: 'Security_Breach', severity: 'high' }, team_mapping: teamMapping });
    expect(breach.attendees).toEqual(['security@company.com']);
    const other = await runChecked<MeetingContextOutput>(meetingContextAgent, { alert: { alert_type: 'x', affected_systems: ['Ledger'] }, team_mapping: teamMapping });
    expect(other.attendees).toEqual(['oncall@company.com']);
    const none = await runChecked<MeetingContextOutput>(meetingContextAgent, { alert: {} });
    expect(none).toMatchObject({ attendees: [], title: '[MEDIUM] Alert Review' });
    expect(none.discussion_points).toEqual(['Establish the root cause', 'Owners and deadlines for follow-up actions']);
  });

  it('humanises alert types', () => {
    expect(humaniseAlertType('system_failure')).toBe('System Failure');
    expect(humaniseAlertType('DATA-LOSS')).toBe('Data Loss');
    expect(humaniseAlertType(undefined)).toBe('Alert');
  });

  it('is deterministic', async () => {
    const input = { alert: seedAlert, rca: analyseRootCause(seedAlert), team_mapping: teamMapping };
    expect(await meetingContextAgent.run(agentContext(), input)).toEqual(await meetingContextAgent.run(agentContext(), input));
  });
});
