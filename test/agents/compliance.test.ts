import { describe, expect, it } from 'vitest';
import { complianceAgent, checkCompliance, defaultPolicies, type ComplianceOutput } from '../../src/agents/builtin/compliance.js';
import { PolicyConditionError } from '../../src/agents/builtin/policy-condition.js';
import { agentContext, runChecked, seedAlert } from './agent-fixtures.js';

describe('compliance agent', () => {
  it("flags seed 000's outage of a critical system without an incident ticket", async () => {
    const out = await runChecked<ComplianceOutput>(complianceAgent, { alert: seedAlert });
    expect(out.status).toBe('NON_COMPLIANT');
    expect(out.violations).toEqual([
      { policy_id: 'AVAIL-001', severity: 'high', reference: 'SOC 2 CC7.4 (incident response)', description: 'An outage of a critical system must have an incident ticket' },
    ]);
    expect(out.policies_checked).toBe(defaultPolicies.length);
  });

  it('is compliant once the incident is ticketed', async () => {
    const out = await runChecked<ComplianceOutput>(complianceAgent, { alert: { ...seedAlert, incident_id: 'INC-9' } });
    expect(out).toEqual({ status: 'COMPLIANT', violations: [], policies_checked: defaultPolicies.length });
  });

  it('applies the default security and data-loss policies', async () => {
    const breach = await checkCompliance({ alert: { alert_type: 'security_breach', severity: 'high', affected_systems: ['VPN'] } });
    expect(breach.violations.map((v) => v.policy_id)).toEqual(['SEC-001']);
    const acknowledged = await checkCompliance({ alert: { alert_type: 'security_breach', affected_systems: ['VPN'], context: { acknowledged_by: 'ana' } } });
    expect(acknowledged.status).toBe('COMPLIANT');
    const loss = await checkCompliance({ event: { alert_type: 'data_loss', affected_systems: ['CRM'], context: { data_categories: ['customer', 'billing'] } } });
    expect(loss.violations.map((v) => v.policy_id)).toEqual(['DATA-001']);
  });

  it('checks policies given in the input, over alert and event', async () => {
    const policies = [
      { id: 'P-1', description: 'No critical alerts on weekends', severity: 'low' as const, reference: 'Team rule 4', condition: "alert.severity = 'critical'" },
      { id: 'P-2', description: 'Context must be present', severity: 'medium' as const, reference: 'Team rule 5', condition: '$not($exists(event.context))' },
      { id: 'P-3', description: 'Never matches', severity: 'high' as const, reference: 'x', condition: 'alert.nothing.here' },
    ];
    const out = await runChecked<ComplianceOutput>(complianceAgent, { alert: seedAlert, policies });
    expect(out.violations.map((v) => v.policy_id)).toEqual(['P-1']);
    expect((await checkCompliance({ event: {}, policies })).violations.map((v) => v.policy_id)).toEqual(['P-2']);
  });

  it('throws an error naming the policy for a broken condition', async () => {
    const policies = [{ id: 'BROKEN-7', description: 'd', severity: 'low' as const, reference: 'r', condition: "alert.severity = = 'x'" }];
    const failure = checkCompliance({ alert: seedAlert, policies });
    await expect(failure).rejects.toBeInstanceOf(PolicyConditionError);
    await expect(checkCompliance({ alert: seedAlert, policies })).rejects.toThrow(/compliance policy "BROKEN-7": invalid condition/);
  });

  it('throws an error naming the policy when a condition fails to evaluate', async () => {
    const policies = [{ id: 'TYPE-1', description: 'd', severity: 'low' as const, reference: 'r', condition: 'alert.description + 1' }];
    await expect(checkCompliance({ alert: seedAlert, policies })).rejects.toThrow(/compliance policy "TYPE-1": condition failed to evaluate/);
  });

  it('is deterministic', async () => {
    const input = { alert: seedAlert };
    expect(await complianceAgent.run(agentContext(), input)).toEqual(await complianceAgent.run(agentContext(), input));
  });
});
