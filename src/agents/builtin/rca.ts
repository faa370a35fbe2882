import { Type, type Static } from 'typebox';
import type { Agent, AgentContext } from '../agent.js';
import { AlertSchema, PastAlertSchema, type Alert, type PastAlert } from '../alert-schema.js';
import { roundScore } from '../round-score.js';
import { alertText, rcaRules, type RcaRule } from './rca-rules.js';

export const RcaInputSchema = Type.Object({
  alert: AlertSchema,
  /** Earlier alerts, ideally of the same type or systems, with the root cause found for each; read from the store when absent. */
  similar_alerts: Type.Optional(Type.Array(PastAlertSchema)),
});
export type RcaInput = Static<typeof RcaInputSchema>;

export const HypothesisSchema = Type.Object({
  cause: Type.String(),
  /** The failure family id (`connection_pool_exhaustion`, …) or `history` for a cause only seen in past alerts. */
  family: Type.String(),
  confidence: Type.Number({ minimum: 0, maximum: 1 }),
  evidence: Type.Array(Type.String()),
  recommended_actions: Type.Array(Type.String()),
});
export type Hypothesis = Static<typeof HypothesisSchema>;

export const RcaOutputSchema = Type.Object({
  root_cause: Type.String(),
  confidence: Type.Number({ minimum: 0, maximum: 1 }),
  hypotheses: Type.Array(HypothesisSchema),
});
export type RcaOutput = Static<typeof RcaOutputSchema>;

export const undeterminedRootCause = 'undetermined';

/** Each past alert with the same cause adds this much confidence, up to `historyBoostCap`. */
const historyBoostPerAlert = 0.05;
const historyBoostCap = 0.15;

/** How many recent alerts the store is asked for when a step gives no `similar_alerts`. */
export const similarAlertsLimit = 20;

function sameText(a: string, b: string): boolean {
  return a.trim().toLowerCase() === b.trim().toLowerCase();
}

/**
 * Recent alerts like this one from `ctx.store` (none without a store): of the same alert type, or,
 * for an alert without a type, sharing an affected system. The alert itself (same `alert_id`) is left out.
 */
export async function findSimilarAlerts(ctx: AgentContext, alert: Alert): Promise<PastAlert[]> {
  if (ctx.store === undefined) return [];
  const alertType = alert.alert_type?.trim();
  const systems = new Set((alert.affected_systems ?? []).map((system) => system.trim().toLowerCase()));
  if (!alertType && systems.size === 0) return [];
  const recent = await ctx.store.recentAlerts(alertType ? { alertType, limit: similarAlertsLimit } : { limit: similarAlertsLimit });
  return recent.filter((past) => {
    if (alert.alert_id !== undefined && past.alert_id === alert.alert_id) return false;
    if (alertType) return true;
    return (past.affected_systems ?? []).some((system) => systems.has(system.trim().toLowerCase()));
  });
}

function normaliseCause(cause: string): string {
  return cause.trim().toLowerCase().replace(/[\s_-]+/g, ' ');
}

function pastAlertLabel(alert: PastAlert, index: number): string {
  return alert.alert_id ?? `similar_alerts[${index}]`;
}

/** Past alerts whose recorded root cause names this rule's family or cause. */
function pastAlertsWithCause(rule: RcaRule, similar: readonly PastAlert[]): string[] {
  const names = [normaliseCause(rule.family), normaliseCause(rule.cause)];
  return similar.flatMap((past, index) => {
    const cause = past.root_cause === undefined ? '' : normaliseCause(past.root_cause);
    return cause !== '' && names.some((name) => cause.includes(name)) ? [pastAlertLabel(past, index)] : [];
  });
}

function historyEvidence(ids: readonly string[]): string {
  return `same root cause in ${ids.length} similar past alert${ids.length === 1 ? '' : 's'}: ${ids.join(', ')}`;
}

/** Causes recorded on past alerts that no rule recognised now: recurring history is itself a lead. */
function historicalHypotheses(alert: Alert, similar: readonly PastAlert[], covered: ReadonlySet<string>): Hypothesis[] {
  const byCause = new Map<string, { cause: string; ids: string[] }>();
  similar.forEach((past, index) => {
    if (past.root_cause === undefined) return;
    const key = normaliseCause(past.root_cause);
    if (key === '' || key === undeterminedRootCause || covered.has(key)) return;
    if (alert.alert_type !== undefined && past.alert_type !== undefined && !sameText(past.alert_type, alert.alert_type)) return;
    const entry = byCause.get(key) ?? { cause: past.root_cause.trim(), ids: [] };
    entry.ids.push(pastAlertLabel(past, index));
    byCause.set(key, entry);
  });
  return [...byCause.values()].map(({ cause, ids }) => ({
    cause,
    family: 'history',
    confidence: roundScore(0.2 + Math.min(historyBoostCap + 0.05, historyBoostPerAlert * ids.length)),
    evidence: [historyEvidence(ids)],
    recommended_actions: [`Review how ${ids[0] ?? 'the earlier alert'} was resolved and check whether the same fix applies`],
  }));
}

/** Root-cause hypotheses for an alert from the failure-family rules and past alerts, most likely first. */
export function analyseRootCause(alert: Alert, similar: readonly PastAlert[] = []): RcaOutput {
  const text = alertText(alert);
  const hypotheses: Hypothesis[] = [];
  const covered = new Set<string>();
  for (const rule of rcaRules) {
    const finding = rule.detect(alert, text);
    if (!finding) continue;
    covered.add(normaliseCause(rule.family)).add(normaliseCause(rule.cause));
    const seenBefore = pastAlertsWithCause(rule, similar);
    const boost = Math.min(historyBoostCap, historyBoostPerAlert * seenBefore.length);
    hypotheses.push({
      cause: rule.cause,
      family: rule.family,
      confidence: roundScore(finding.confidence + boost),
      evidence: seenBefore.length > 0 ? [...finding.evidence, historyEvidence(seenBefore)] : [...finding.evidence],
      recommended_actions: [...rule.recommendedActions],
    });
  }
  hypotheses.push(...historicalHypotheses(alert, similar, covered));
  // Array.prototype.sort is stable, so equal confidences keep rule order: the output is deterministic.
  hypotheses.sort((a, b) => b.confidence - a.confidence);
  const top = hypotheses[0];
  return { root_cause: top?.cause ?? undeterminedRootCause, confidence: top?.confidence ?? 0, hypotheses };
}

/** Seed 000's root-cause analysis over the common failure families, informed by similar past alerts. */
export const rcaAgent: Agent<RcaInput, RcaOutput> & { readonly name: 'rca' } = {
  name: 'rca',
  description: 'Proposes root-cause hypotheses for an alert (connection pool, memory, disk, latency, deployment, certificate, rate limit, auth, queue backlog) with confidence, evidence and recommended actions; similar past alerts (given, or the recent ones in the store) raise the confidence of a cause seen before.',
  inputSchema: RcaInputSchema,
  outputSchema: RcaOutputSchema,
  run: async (ctx, input) => analyseRootCause(input.alert, input.similar_alerts ?? (await findSimilarAlerts(ctx, input.alert))),
};
