import { Type, type Static } from 'typebox';
import { Value } from 'typebox/value';
import type { Agent, AgentContext, LearningRecord } from '../agent.js';
import { AlertSchema, PastAlertSchema, type PastAlert } from '../alert-schema.js';
import { roundScore } from '../round-score.js';

export const patternKinds = ['recurring_alert_type', 'recurring_affected_system', 'hour_of_day_cluster', 'repeated_root_cause'] as const;
export type PatternKind = (typeof patternKinds)[number];

export const LearningInputSchema = Type.Object({
  alert: AlertSchema,
  /** The current alert's root cause, e.g. the rca step's `root_cause`. */
  root_cause: Type.Optional(Type.String()),
  /** Earlier alerts to learn from; when absent, the most recent `history_limit` alerts in the store. Duplicates of the current alert are ignored. */
  past_alerts: Type.Optional(Type.Array(PastAlertSchema)),
  /** How many recent alerts to read from the store when `past_alerts` is absent; default 50. */
  history_limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
  /** Fewest occurrences that make a pattern; default 2. */
  min_count: Type.Optional(Type.Integer({ minimum: 1 })),
  /** The `agent_name` the interaction is recorded under; default `learning`. */
  agent_name: Type.Optional(Type.String()),
  /** The `interaction_type` recorded; default `alert_processed`. */
  interaction_type: Type.Optional(Type.String()),
});
export type LearningInput = Static<typeof LearningInputSchema>;

export const PatternSchema = Type.Object({
  kind: Type.Union([Type.Literal('recurring_alert_type'), Type.Literal('recurring_affected_system'), Type.Literal('hour_of_day_cluster'), Type.Literal('repeated_root_cause')]),
  value: Type.String(),
  count: Type.Integer({ minimum: 1 }),
  /** count / alerts_considered. */
  frequency: Type.Number({ minimum: 0, maximum: 1 }),
  /** Whether the current alert is one of the occurrences. */
  includes_current: Type.Boolean(),
});
export type Pattern = Static<typeof PatternSchema>;

/** Shaped for seed 000's `learning_data` row (agent_name, interaction_type, patterns_identified). */
export const LearningOutputSchema = Type.Object({
  agent_name: Type.String(),
  interaction_type: Type.String(),
  recorded_at: Type.String(),
  alerts_considered: Type.Integer({ minimum: 1 }),
  patterns_identified: Type.Array(PatternSchema),
  /** The learning_data row's id, when the interaction was recorded (a retried step reports the first attempt's row). */
  record_id: Type.Optional(Type.String()),
});
export type LearningOutput = Static<typeof LearningOutputSchema>;

/** Recent alerts read from the store when a step gives no `past_alerts`. */
export const defaultHistoryLimit = 50;

const StoredPatternsSchema = Type.Array(PatternSchema);

/** One alert's values for every pattern kind (several for affected systems). */
function patternValues(alert: PastAlert): { readonly [K in PatternKind]: readonly string[] } {
  const detectedMs = alert.detected_at === undefined ? Number.NaN : Date.parse(alert.detected_at);
  const hour = Number.isNaN(detectedMs) ? undefined : new Date(detectedMs).getUTCHours();
  const rootCause = alert.root_cause?.trim().toLowerCase();
  return {
    recurring_alert_type: alert.alert_type === undefined ? [] : [alert.alert_type.trim().toLowerCase()],
    recurring_affected_system: [...new Set((alert.affected_systems ?? []).map((system) => system.trim().toLowerCase()))],
    hour_of_day_cluster: hour === undefined ? [] : [`${String(hour).padStart(2, '0')}:00-${String(hour).padStart(2, '0')}:59 UTC`],
    repeated_root_cause: rootCause === undefined || rootCause === '' || rootCause === 'undetermined' ? [] : [rootCause],
  };
}

/** Patterns over the current alert and past ones: every value seen at least `minCount` times, most frequent first. */
export function findPatterns(current: PastAlert, past: readonly PastAlert[], minCount = 2): { alertsConsidered: number; patterns: Pattern[] } {
  const others = current.alert_id === undefined ? past : past.filter((alert) => alert.alert_id !== current.alert_id);
  const all = [current, ...others];
  const counts = new Map<string, { kind: PatternKind; value: string; count: number; includesCurrent: boolean }>();
  all.forEach((alert, index) => {
    const values = patternValues(alert);
    for (const kind of patternKinds) {
      for (const value of values[kind]) {
        const key = `${kind}\u0000${value}`;
        const entry = counts.get(key) ?? { kind, value, count: 0, includesCurrent: false };
        entry.count += 1;
        entry.includesCurrent ||= index === 0;
        counts.set(key, entry);
      }
    }
  });
  const patterns = [...counts.values()]
    .filter((entry) => entry.count >= minCount)
    .sort((a, b) => b.count - a.count || patternKinds.indexOf(a.kind) - patternKinds.indexOf(b.kind) || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0))
    .map((entry) => ({ kind: entry.kind, value: entry.value, count: entry.count, frequency: roundScore(entry.count / all.length), includes_current: entry.includesCurrent }));
  return { alertsConsidered: all.length, patterns };
}

async function pastAlertsOf(ctx: AgentContext, input: LearningInput): Promise<{ alerts: readonly PastAlert[]; source: 'input' | 'store' | 'none' }> {
  if (input.past_alerts !== undefined) return { alerts: input.past_alerts, source: 'input' };
  if (ctx.store === undefined) return { alerts: [], source: 'none' };
  return { alerts: await ctx.store.recentAlerts({ limit: input.history_limit ?? defaultHistoryLimit }), source: 'store' };
}

/** The output a stored row stands for: what a retried step reports, so every attempt reports the same. */
function outputOfRecord(record: LearningRecord): LearningOutput {
  const alertsConsidered = record.context['alerts_considered'];
  if (!Value.Check(StoredPatternsSchema, record.patterns) || typeof alertsConsidered !== 'number' || !Number.isInteger(alertsConsidered) || alertsConsidered < 1) {
    throw new Error(`learning_data row ${record.id} (idempotency key ${record.idempotencyKey}) does not hold a learning agent's record`);
  }
  return {
    agent_name: record.agentName,
    interaction_type: record.interactionType,
    recorded_at: new Date(record.recordedAtMs).toISOString(),
    alerts_considered: alertsConsidered,
    patterns_identified: record.patterns,
    record_id: record.id,
  };
}

/**
 * Seed 000's learning agent: finds recurring types, systems, hours and root causes over the alert
 * and past ones, and records the interaction through `ctx.learning` when there is one. The record
 * is keyed by `ctx.idempotencyKey`, so a retried step writes nothing new and reports the first record.
 */
export const learningAgent: Agent<LearningInput, LearningOutput> & { readonly name: 'learning' } = {
  name: 'learning',
  description: 'Finds patterns across the current alert and past alerts (recurring alert types, affected systems, hour-of-day clusters, repeated root causes) with their frequencies, and records the interaction in learning_data.',
  inputSchema: LearningInputSchema,
  outputSchema: LearningOutputSchema,
  run: async (ctx, input) => {
    const current: PastAlert = input.root_cause === undefined ? input.alert : { ...input.alert, root_cause: input.root_cause };
    const past = await pastAlertsOf(ctx, input);
    const minCount = input.min_count ?? 2;
    const { alertsConsidered, patterns } = findPatterns(current, past.alerts, minCount);
    const recordedAtMs = ctx.clock.nowMs();
    const output: LearningOutput = {
      agent_name: input.agent_name ?? 'learning',
      interaction_type: input.interaction_type ?? 'alert_processed',
      recorded_at: new Date(recordedAtMs).toISOString(),
      alerts_considered: alertsConsidered,
      patterns_identified: patterns,
    };
    if (ctx.learning === undefined) return output;
    const { record } = await ctx.learning.record({
      idempotencyKey: ctx.idempotencyKey,
      agentName: output.agent_name,
      interactionType: output.interaction_type,
      alert: current,
      context: { alerts_considered: alertsConsidered, min_count: minCount, past_alerts_from: past.source },
      patterns,
      recordedAtMs,
    });
    return outputOfRecord(record);
  },
};
