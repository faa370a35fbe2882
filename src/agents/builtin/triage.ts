import { Type, type Static } from 'typebox';
import type { Agent } from '../agent.js';
import { AlertSchema, type Alert } from '../alert-schema.js';
import { roundScore } from '../round-score.js';

export const urgencyLevels = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW'] as const;
export type UrgencyLevel = (typeof urgencyLevels)[number];

export const UrgencyLevelSchema = Type.Union([Type.Literal('CRITICAL'), Type.Literal('HIGH'), Type.Literal('MEDIUM'), Type.Literal('LOW')]);

/** Response time promised per level (docs/agents.md shows the same table). */
export const recommendedResponseTimes: { readonly [L in UrgencyLevel]: string } = {
  CRITICAL: '< 1 hour',
  HIGH: '< 4 hours',
  MEDIUM: '< 24 hours',
  LOW: '< 1 week',
};

/** Lowest score for each level, checked from the top. */
const levelThresholds: readonly (readonly [UrgencyLevel, number])[] = [
  ['CRITICAL', 0.9],
  ['HIGH', 0.65],
  ['MEDIUM', 0.4],
  ['LOW', 0],
];

/** Base score per severity word; synonyms from common paging and ticketing schemes. */
const severityScores: readonly (readonly [number, readonly string[]])[] = [
  [1.0, ['critical', 'crit', 'sev0', 'sev1', 'p0', 'p1', 'emergency', 'fatal', 'blocker', 'disaster']],
  [0.75, ['high', 'sev2', 'p2', 'major', 'error', 'urgent', 'severe']],
  [0.5, ['medium', 'moderate', 'sev3', 'p3', 'warning', 'warn', 'average']],
  [0.25, ['low', 'minor', 'sev4', 'p4', 'trivial']],
  [0.1, ['info', 'informational', 'sev5', 'p5', 'notice', 'debug', 'ok']],
];
const unknownSeverityScore = 0.4;

/** Alert types that raise urgency, and by how much. */
const alertTypeBoosts: Readonly<Record<string, number>> = {
  security_breach: 0.2,
  security_incident: 0.2,
  data_loss: 0.2,
  data_breach: 0.2,
  outage: 0.15,
  system_failure: 0.1,
  service_down: 0.15,
  performance_degradation: 0.05,
};

/** Description keywords that raise urgency; each adds 0.05, at most 0.15 in all. */
const urgentKeywords = ['outage', 'down', 'breach', 'exhausted', 'data loss', 'unavailable', 'crash', 'corrupt', 'unreachable', 'failed', 'failure', 'leak', 'ransomware', 'compromised'];
const keywordBoost = 0.05;
const keywordBoostCap = 0.15;

/** Systems treated as critical when the input names none (matched as case-insensitive substrings). */
export const defaultCriticalSystems = ['database', 'payment', 'auth', 'gateway', 'checkout', 'login'];

export const TriageInputSchema = Type.Object({
  alert: AlertSchema,
  /** Names (case-insensitive substrings) of systems whose involvement raises urgency. */
  critical_systems: Type.Optional(Type.Array(Type.String())),
});
export type TriageInput = Static<typeof TriageInputSchema>;

export const UrgencyFactorSchema = Type.Object({
  kind: Type.Union([Type.Literal('severity'), Type.Literal('alert_type'), Type.Literal('affected_systems'), Type.Literal('keyword')]),
  value: Type.String(),
  contribution: Type.Number(),
});

export const TriageOutputSchema = Type.Object({
  level: UrgencyLevelSchema,
  score: Type.Number({ minimum: 0, maximum: 1 }),
  recommended_response_time: Type.String(),
  factors: Type.Array(UrgencyFactorSchema),
});
export type TriageOutput = Static<typeof TriageOutputSchema>;
type UrgencyFactor = Static<typeof UrgencyFactorSchema>;

/** The level a score falls in. */
export function levelForScore(score: number): UrgencyLevel {
  for (const [level, minimum] of levelThresholds) if (score >= minimum) return level;
  return 'LOW';
}

function severityFactor(severity: string | undefined): UrgencyFactor {
  const word = (severity ?? '').trim().toLowerCase().replace(/[\s_-]+/g, '');
  for (const [score, words] of severityScores) {
    if (words.includes(word)) return { kind: 'severity', value: word, contribution: score };
  }
  return { kind: 'severity', value: word === '' ? 'unknown' : `unrecognised:${word}`, contribution: unknownSeverityScore };
}

function matchesAny(name: string, patterns: readonly string[]): boolean {
  const lower = name.toLowerCase();
  return patterns.some((pattern) => pattern !== '' && lower.includes(pattern.toLowerCase()));
}

/** Urgency of an alert: a pure function of the alert and the critical-system list. */
export function assessUrgency(alert: Alert, criticalSystems: readonly string[] = defaultCriticalSystems): TriageOutput {
  const factors: UrgencyFactor[] = [severityFactor(alert.severity)];

  const alertType = (alert.alert_type ?? '').trim().toLowerCase();
  const typeBoost = alertTypeBoosts[alertType];
  if (typeBoost !== undefined) factors.push({ kind: 'alert_type', value: alertType, contribution: typeBoost });

  const systems = alert.affected_systems ?? [];
  const critical = systems.filter((system) => matchesAny(system, criticalSystems));
  if (critical.length > 0) factors.push({ kind: 'affected_systems', value: `critical: ${critical.join(', ')}`, contribution: 0.1 });
  if (systems.length >= 3) factors.push({ kind: 'affected_systems', value: `${systems.length} systems affected`, contribution: 0.05 });

  const description = (alert.description ?? '').toLowerCase();
  let keywordTotal = 0;
  for (const keyword of urgentKeywords) {
    if (keywordTotal >= keywordBoostCap) break;
    if (new RegExp(`\\b${keyword}\\b`).test(description)) {
      factors.push({ kind: 'keyword', value: keyword, contribution: keywordBoost });
      keywordTotal = roundScore(keywordTotal + keywordBoost);
    }
  }

  // Sum in hundredths so 0.75 + 0.1 + 0.05 is exactly 0.9, not 0.8999….
  const score = roundScore(factors.reduce((sum, factor) => sum + Math.round(factor.contribution * 100), 0) / 100);
  const level = levelForScore(score);
  return { level, score, recommended_response_time: recommendedResponseTimes[level], factors };
}

/** Seed 000's urgency assessment (severity, alert type, affected systems, description keywords), with the critical systems used when a step gives none. */
export function createTriageAgent(defaults: { readonly criticalSystems?: readonly string[] } = {}): Agent<TriageInput, TriageOutput> & { readonly name: 'triage' } {
  return {
    name: 'triage',
    description: 'Scores how urgent an alert is (CRITICAL, HIGH, MEDIUM, LOW) from its severity, type, affected systems and description, with a recommended response time.',
    inputSchema: TriageInputSchema,
    outputSchema: TriageOutputSchema,
    run: async (_ctx, input) => assessUrgency(input.alert, input.critical_systems ?? defaults.criticalSystems ?? defaultCriticalSystems),
  };
}

/** The triage agent with the built-in critical systems. */
export const triageAgent = createTriageAgent();
