import { Type, type Static } from 'typebox';
import type { Agent } from '../agent.js';
import { evaluatePolicyCondition } from './policy-condition.js';

export const PolicySeveritySchema = Type.Union([Type.Literal('critical'), Type.Literal('high'), Type.Literal('medium'), Type.Literal('low')]);

export const PolicySchema = Type.Object({
  id: Type.String({ minLength: 1 }),
  description: Type.String(),
  severity: PolicySeveritySchema,
  /** The regulation, standard or internal rule the policy enforces. */
  reference: Type.String(),
  /** JSONata over `{alert, event}` that is TRUE when the policy is VIOLATED; `$critical_systems` is bound. */
  condition: Type.String({ minLength: 1 }),
});
export type Policy = Static<typeof PolicySchema>;

export const ComplianceInputSchema = Type.Object({
  /** The alert or event to check; conditions see it as both `alert` and `event`. */
  alert: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  event: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  /** Policies to check; the default set (`defaultPolicies`) when absent. */
  policies: Type.Optional(Type.Array(PolicySchema)),
  /** Lower-cased system names bound as `$critical_systems`; `defaultCriticalSystemNames` when absent. */
  critical_systems: Type.Optional(Type.Array(Type.String())),
});
export type ComplianceInput = Static<typeof ComplianceInputSchema>;

export const ViolationSchema = Type.Object({
  policy_id: Type.String(),
  severity: PolicySeveritySchema,
  reference: Type.String(),
  description: Type.String(),
});

export const ComplianceOutputSchema = Type.Object({
  status: Type.Union([Type.Literal('COMPLIANT'), Type.Literal('NON_COMPLIANT')]),
  violations: Type.Array(ViolationSchema),
  policies_checked: Type.Integer({ minimum: 0 }),
});
export type ComplianceOutput = Static<typeof ComplianceOutputSchema>;

export const defaultCriticalSystemNames = ['api gateway', 'user service', 'payment service', 'auth service', 'database'];

/** Used when the input names no policies: the incident-handling rules seed 000's alerts call for. */
export const defaultPolicies: readonly Policy[] = [
  {
    id: 'SEC-001',
    description: 'A security incident must be acknowledged by a named responder',
    severity: 'high',
    reference: 'ISO/IEC 27001:2022 A.5.26 (response to information security incidents)',
    condition:
      "$lowercase(alert.alert_type) in ['security_breach', 'security_incident', 'unauthorized_access', 'data_breach'] and $not($exists(alert.acknowledged_by) or $exists(alert.context.acknowledged_by))",
  },
  {
    id: 'DATA-001',
    description: 'Loss of customer data must be reported to the data protection officer within 72 hours',
    severity: 'critical',
    reference: 'GDPR Art. 33 (notification of a personal data breach)',
    condition:
      "$lowercase(alert.alert_type) in ['data_loss', 'data_breach'] and (alert.context.customer_data = true or 'customer' in alert.context.data_categories) and $not(alert.context.dpo_notified = true)",
  },
  {
    id: 'AVAIL-001',
    description: 'An outage of a critical system must have an incident ticket',
    severity: 'high',
    reference: 'SOC 2 CC7.4 (incident response)',
    condition:
      "$lowercase(alert.alert_type) in ['system_failure', 'outage', 'service_down'] and $count(alert.affected_systems[$lowercase($) in $critical_systems]) > 0 and $not($exists(alert.incident_id) or $exists(alert.context.incident_id))",
  },
  {
    id: 'OPS-001',
    description: 'A critical alert must name the systems it affects',
    severity: 'medium',
    reference: 'Internal incident management standard',
    condition: "$lowercase(alert.severity) in ['critical', 'sev1', 'p1'] and $count(alert.affected_systems) = 0",
  },
];

/** What the compliance agent uses when a step gives no `policies` or `critical_systems` (the config's `agents` section). */
export interface ComplianceDefaults {
  readonly policies?: readonly Policy[];
  readonly criticalSystems?: readonly string[];
}

/**
 * Checks an alert or event against policies: the input's, else `defaults`', else `defaultPolicies`.
 * Throws PolicyConditionError for a broken condition (a config bug).
 */
export async function checkCompliance(input: ComplianceInput, defaults: ComplianceDefaults = {}): Promise<ComplianceOutput> {
  const subject = input.alert ?? input.event ?? {};
  const data = { alert: subject, event: subject };
  const criticalSystems = input.critical_systems ?? defaults.criticalSystems ?? defaultCriticalSystemNames;
  const bindings = { critical_systems: criticalSystems.map((name) => name.toLowerCase()) };
  const policies = input.policies ?? defaults.policies ?? defaultPolicies;
  const violations: ComplianceOutput['violations'] = [];
  // Sequential on purpose: violations come out in policy order, and a broken policy is reported first-come.
  for (const policy of policies) {
    if (await evaluatePolicyCondition(policy.id, policy.condition, data, bindings)) {
      violations.push({ policy_id: policy.id, severity: policy.severity, reference: policy.reference, description: policy.description });
    }
  }
  return { status: violations.length === 0 ? 'COMPLIANT' : 'NON_COMPLIANT', violations, policies_checked: policies.length };
}

/** Seed 000's compliance check, with the policies and critical systems used when a step gives none. */
export function createComplianceAgent(defaults: ComplianceDefaults = {}): Agent<ComplianceInput, ComplianceOutput> & { readonly name: 'compliance' } {
  return {
    name: 'compliance',
    description: 'Checks an alert or event against compliance policies (JSONata conditions that are true when violated) and returns COMPLIANT or NON_COMPLIANT with the violations.',
    inputSchema: ComplianceInputSchema,
    outputSchema: ComplianceOutputSchema,
    run: async (_ctx, input) => checkCompliance(input, defaults),
  };
}

/** The compliance agent with the built-in default policies. */
export const complianceAgent = createComplianceAgent();
