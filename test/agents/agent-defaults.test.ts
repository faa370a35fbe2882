import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAgentServices } from '../../src/agents/agent-services.js';
import { ConfigError } from '../../src/config/config-error.js';
import { loadConfig } from '../../src/config/load-config.js';
import type { Store } from '../../src/store/store.js';
import { openTestStore } from '../support/test-database.js';
import { agentContext, seedAlert } from './agent-fixtures.js';

const paymentsPolicy = {
  id: 'PAY-001',
  description: 'A payments alert must name its incident commander',
  severity: 'critical',
  reference: 'Payments runbook §2',
  condition: "$count(alert.affected_systems[$lowercase($) in $critical_systems]) > 0 and $not($exists(alert.context.incident_commander))",
};

describe("the config's agents section as the built-ins' defaults", () => {
  let store: Store;
  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ store, close } = await openTestStore('sqlite'));
  });
  afterAll(async () => {
    await close();
  });

  const servicesWith = (agents: Record<string, unknown>) =>
    createAgentServices({ config: loadConfig({ env: {}, overrides: { agents } }), db: store.db, logger: pino({ level: 'silent' }) });

  it('compliance checks the config policies with the config critical systems when a step gives none', async () => {
    const { registry } = await servicesWith({ policies: [paymentsPolicy], critical_systems: ['Payment Service'] });
    const compliance = registry.getAgent('compliance');
    const paymentsAlert = { ...seedAlert, affected_systems: ['Payment Service'] };
    expect(await compliance?.run(agentContext(), { alert: paymentsAlert })).toEqual({
      status: 'NON_COMPLIANT',
      violations: [{ policy_id: 'PAY-001', severity: 'critical', reference: 'Payments runbook §2', description: 'A payments alert must name its incident commander' }],
      policies_checked: 1,
    });
    // API Gateway is critical by default, but not in this config.
    expect(await compliance?.run(agentContext(), { alert: seedAlert })).toMatchObject({ status: 'COMPLIANT', policies_checked: 1 });
    // A step's own policies and critical systems still win.
    expect(await compliance?.run(agentContext(), { alert: seedAlert, critical_systems: ['API Gateway'] })).toMatchObject({ status: 'NON_COMPLIANT' });
    expect(await compliance?.run(agentContext(), { alert: paymentsAlert, policies: [] })).toMatchObject({ status: 'COMPLIANT', policies_checked: 0 });
  });

  it('triage treats the config critical systems as critical', async () => {
    const { registry } = await servicesWith({ critical_systems: ['Ledger'] });
    const alert = { severity: 'high', affected_systems: ['Ledger'] };
    expect(await registry.getAgent('triage')?.run(agentContext(), { alert })).toMatchObject({ score: 0.85, level: 'HIGH' });
    expect(await registry.getAgent('triage')?.run(agentContext(), { alert, critical_systems: ['nothing'] })).toMatchObject({ score: 0.75 });
  });

  it('meeting_context takes attendees from the config team mapping when a step gives none', async () => {
    const teamMapping = { by_system: { 'api gateway': ['devops@company.com'] }, by_alert_type: { SYSTEM_FAILURE: ['sre-oncall@company.com'] }, default: ['duty-manager@company.com'] };
    const { registry } = await servicesWith({ team_mapping: teamMapping });
    const meeting = registry.getAgent('meeting_context');
    expect(await meeting?.run(agentContext(), { alert: seedAlert })).toMatchObject({ attendees: ['devops@company.com', 'sre-oncall@company.com'] });
    expect(await meeting?.run(agentContext(), { alert: { alert_type: 'latency' } })).toMatchObject({ attendees: ['duty-manager@company.com'] });
    expect(await meeting?.run(agentContext(), { alert: seedAlert, team_mapping: { default: ['me@company.com'] } })).toMatchObject({ attendees: ['me@company.com'] });
  });

  it('keeps the built-in defaults without an agents section', async () => {
    const { registry, llm } = await servicesWith({});
    expect(llm).toBeUndefined();
    expect(await registry.getAgent('compliance')?.run(agentContext(), { alert: seedAlert })).toMatchObject({ policies_checked: 4, violations: [{ policy_id: 'AVAIL-001' }] });
    expect(await registry.getAgent('meeting_context')?.run(agentContext(), { alert: seedAlert })).toMatchObject({ attendees: [] });
  });

  it('stops start-up on a policy condition that does not compile, or a policy id used twice', async () => {
    const broken = servicesWith({ policies: [paymentsPolicy, { ...paymentsPolicy, id: 'PAY-002', condition: 'alert.severity = ' }] });
    await expect(broken).rejects.toThrow(ConfigError);
    await expect(broken).rejects.toThrow(/agents\.policies\[1\]\.condition: compliance policy "PAY-002": invalid condition/);
    await expect(servicesWith({ policies: [paymentsPolicy, paymentsPolicy] })).rejects.toThrow(/agents\.policies\[1\]: policy id "PAY-001" is used twice/);
  });
});
