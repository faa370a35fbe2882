import { Type, type Static } from 'typebox';
import type { Agent } from '../agent.js';
import { AlertSchema, type Alert } from '../alert-schema.js';
import { ComplianceOutputSchema, type ComplianceOutput } from './compliance.js';
import { RcaOutputSchema, type RcaOutput } from './rca.js';
import { assessUrgency, TriageOutputSchema, UrgencyLevelSchema, type TriageOutput, type UrgencyLevel } from './triage.js';

/** Meeting length per urgency level (docs/agents.md shows the same table). */
export const meetingDurations: { readonly [L in UrgencyLevel]: number } = { CRITICAL: 60, HIGH: 45, MEDIUM: 30, LOW: 15 };

export const TeamMappingSchema = Type.Object({
  /** Attendees by affected system name (matched case-insensitively). */
  by_system: Type.Optional(Type.Record(Type.String(), Type.Array(Type.String()))),
  /** Attendees by alert type (matched case-insensitively). */
  by_alert_type: Type.Optional(Type.Record(Type.String(), Type.Array(Type.String()))),
  /** Attendees when neither mapping matches. */
  default: Type.Optional(Type.Array(Type.String())),
});
export type TeamMapping = Static<typeof TeamMappingSchema>;

export const MeetingContextInputSchema = Type.Object({
  alert: AlertSchema,
  /** Earlier steps' outputs; triage is computed from the alert when absent. */
  triage: Type.Optional(TriageOutputSchema),
  rca: Type.Optional(RcaOutputSchema),
  compliance: Type.Optional(ComplianceOutputSchema),
  team_mapping: Type.Optional(TeamMappingSchema),
});
export type MeetingContextInput = Static<typeof MeetingContextInputSchema>;

export const MeetingContextOutputSchema = Type.Object({
  title: Type.String(),
  why_scheduled: Type.String(),
  discussion_points: Type.Array(Type.String()),
  attendees: Type.Array(Type.String()),
  duration_minutes: Type.Integer({ minimum: 1 }),
  urgency_level: UrgencyLevelSchema,
  alert_reference: Type.Optional(Type.String()),
});
export type MeetingContextOutput = Static<typeof MeetingContextOutputSchema>;

/** `system_failure` → `System Failure`; no type → `Alert`. */
export function humaniseAlertType(alertType: string | undefined): string {
  const words = (alertType ?? '').trim().split(/[\s_-]+/).filter((word) => word !== '');
  if (words.length === 0) return 'Alert';
  return words.map((word) => word.charAt(0).toUpperCase() + word.slice(1).toLowerCase()).join(' ');
}

function lookupCaseInsensitive(map: Readonly<Record<string, readonly string[]>> | undefined, key: string): readonly string[] {
  if (!map) return [];
  const wanted = key.trim().toLowerCase();
  return Object.entries(map).flatMap(([name, people]) => (name.trim().toLowerCase() === wanted ? people : []));
}

/** Attendees from the team mapping: by affected system, then by alert type; the default list when neither matches. */
export function resolveAttendees(alert: Alert, mapping: TeamMapping | undefined): string[] {
  const specific = [
    ...(alert.affected_systems ?? []).flatMap((system) => lookupCaseInsensitive(mapping?.by_system, system)),
    ...(alert.alert_type === undefined ? [] : lookupCaseInsensitive(mapping?.by_alert_type, alert.alert_type)),
  ];
  const chosen = specific.length > 0 ? specific : (mapping?.default ?? []);
  return [...new Set(chosen)];
}

function percent(confidence: number): string {
  return `${Math.round(confidence * 100)}%`;
}

function explainWhy(alert: Alert, triage: TriageOutput, rca: RcaOutput | undefined, compliance: ComplianceOutput | undefined): string {
  const what = alert.description?.trim() || humaniseAlertType(alert.alert_type);
  const systems = alert.affected_systems ?? [];
  const sentences = [
    `${triage.level} urgency (score ${triage.score.toFixed(2)}; respond ${triage.recommended_response_time}): ${what}${systems.length > 0 ? ` affecting ${systems.join(', ')}` : ''}.`,
  ];
  if (rca && rca.hypotheses.length > 0) sentences.push(`Likely root cause: ${rca.root_cause} (confidence ${percent(rca.confidence)}).`);
  else if (rca) sentences.push('The root cause is not yet determined.');
  if (compliance && compliance.violations.length > 0) {
    sentences.push(`Compliance: ${compliance.violations.length} violation${compliance.violations.length === 1 ? '' : 's'} (${compliance.violations.map((v) => v.policy_id).join(', ')}).`);
  }
  return sentences.join(' ');
}

function discussionPoints(alert: Alert, rca: RcaOutput | undefined, compliance: ComplianceOutput | undefined): string[] {
  const points: string[] = [];
  const systems = alert.affected_systems ?? [];
  if (systems.length > 0) points.push(`Impact on ${systems.join(', ')}: users and dependants affected`);
  const hypotheses = rca?.hypotheses ?? [];
  for (const hypothesis of hypotheses.slice(0, 3)) {
    const evidence = hypothesis.evidence.length > 0 ? ` — ${hypothesis.evidence.join('; ')}` : '';
    points.push(`Root cause hypothesis: ${hypothesis.cause} (${percent(hypothesis.confidence)})${evidence}`);
  }
  for (const action of hypotheses[0]?.recommended_actions.slice(0, 2) ?? []) points.push(`Remediation: ${action}`);
  if (hypotheses.length === 0) points.push('Establish the root cause');
  for (const violation of compliance?.violations ?? []) {
    points.push(`Compliance ${violation.policy_id} [${violation.severity}]: ${violation.description} (${violation.reference})`);
  }
  points.push('Owners and deadlines for follow-up actions');
  return points;
}

/** A meeting briefing for an alert, built from the alert and whatever triage, RCA and compliance found; `defaultTeamMapping` serves when the input has none. */
export function buildMeetingContext(input: MeetingContextInput, defaultTeamMapping?: TeamMapping): MeetingContextOutput {
  const { alert, rca, compliance } = input;
  const triage = input.triage ?? assessUrgency(alert);
  const briefing: MeetingContextOutput = {
    title: `[${triage.level}] ${humaniseAlertType(alert.alert_type)} Review`,
    why_scheduled: explainWhy(alert, triage, rca, compliance),
    discussion_points: discussionPoints(alert, rca, compliance),
    attendees: resolveAttendees(alert, input.team_mapping ?? defaultTeamMapping),
    duration_minutes: meetingDurations[triage.level],
    urgency_level: triage.level,
  };
  if (alert.alert_id !== undefined) briefing.alert_reference = alert.alert_id;
  return briefing;
}

/** Seed 000's meeting context agent (the briefing behind `[CRITICAL] System Failure Review`), with the team mapping used when a step gives none. */
export function createMeetingContextAgent(defaults: { readonly teamMapping?: TeamMapping } = {}): Agent<MeetingContextInput, MeetingContextOutput> & { readonly name: 'meeting_context' } {
  return {
    name: 'meeting_context',
    description: 'Writes a meeting briefing for an alert: title, why it is scheduled, discussion points from root-cause hypotheses and compliance violations, attendees from the team mapping, and a duration set by urgency.',
    inputSchema: MeetingContextInputSchema,
    outputSchema: MeetingContextOutputSchema,
    run: async (_ctx, input) => buildMeetingContext(input, defaults.teamMapping),
  };
}

/** The meeting context agent without a default team mapping. */
export const meetingContextAgent = createMeetingContextAgent();
