import { Type, type Static } from 'typebox';
import type { AgentContext, LlmTool } from '../agent.js';
import { analyseRootCause, findSimilarAlerts, rcaAgent, RcaOutputSchema, undeterminedRootCause, type RcaInput, type RcaOutput } from '../builtin/rca.js';
import { roundScore } from '../round-score.js';
import { llmBackedAgent } from './llm-backed-agent.js';
import type { LlmStrategy } from './with-llm-fallback.js';

/** What the model answers: up to five hypotheses, in any order. */
export const RcaAnswerSchema = Type.Object({
  hypotheses: Type.Array(
    Type.Object({
      cause: Type.String({ minLength: 1 }),
      /** A failure family id when one of the rule-based families fits; `llm` otherwise. */
      family: Type.Optional(Type.String()),
      confidence: Type.Number({ minimum: 0, maximum: 1 }),
      evidence: Type.Array(Type.String()),
      recommended_actions: Type.Array(Type.String()),
    }),
    { maxItems: 5 },
  ),
});
export type RcaAnswer = Static<typeof RcaAnswerSchema>;

const recentAlertsToolLimit = 50;

/** The model may look further back in the store than the similar alerts it is given. */
function recentAlertsTool(ctx: AgentContext): LlmTool[] {
  const store = ctx.store;
  if (store === undefined) return [];
  return [
    {
      name: 'recent_alerts',
      description: 'Recent processed alerts, newest first, each with the root cause found for it; optionally only those of one alert type.',
      parameters: Type.Object({ alert_type: Type.Optional(Type.String()), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: recentAlertsToolLimit })) }),
      execute: async (args) => {
        const { alert_type: alertType, limit } = args as { alert_type?: string; limit?: number };
        const alerts = await store.recentAlerts({ ...(alertType === undefined ? {} : { alertType }), limit: limit ?? 20 });
        return { alerts };
      },
    },
  ];
}

/**
 * Seed 000's LLM root-cause analysis. The prompt carries the alert, the similar past alerts and the
 * rule-based hypotheses as grounding; the model may call `recent_alerts` for more history.
 */
export const rcaLlmStrategy: LlmStrategy<RcaInput, RcaOutput> = {
  system: [
    'You are a site reliability engineer doing root-cause analysis of one production alert.',
    'You get the alert, similar past alerts with the root cause found for each, and hypotheses from rule-based checks.',
    'Propose up to five root-cause hypotheses, each with a confidence from 0 to 1, the evidence for it (cite alert fields and past alert ids), and concrete recommended actions.',
    'A cause that recurs in past alerts of the same type deserves more confidence. Use the recent_alerts tool, when offered, to look further back.',
    'Answer with JSON only: {"hypotheses": [{"cause", "family"?, "confidence", "evidence": [], "recommended_actions": []}]}.',
  ].join('\n'),
  answerSchema: RcaAnswerSchema,
  userPrompt: (input) => {
    const similar = input.similar_alerts ?? [];
    return JSON.stringify({ alert: input.alert, similar_alerts: similar, rule_based_hypotheses: analyseRootCause(input.alert, similar).hypotheses }, null, 2);
  },
  tools: (ctx) => recentAlertsTool(ctx),
  toOutput: (answer) => {
    const hypotheses = (answer as RcaAnswer).hypotheses
      .map((h) => ({ cause: h.cause, family: h.family ?? 'llm', confidence: roundScore(h.confidence), evidence: h.evidence, recommended_actions: h.recommended_actions }))
      .sort((a, b) => b.confidence - a.confidence);
    const top = hypotheses[0];
    return { root_cause: top?.cause ?? undeterminedRootCause, confidence: top?.confidence ?? 0, hypotheses };
  },
};

/** The rca agent as registered: similar alerts read once from the store, then the LLM, then the rules as the fallback. */
export const llmRcaAgent = llmBackedAgent({
  agent: rcaAgent,
  outputSchema: RcaOutputSchema,
  strategy: rcaLlmStrategy,
  prepareInput: async (ctx, input) => (input.similar_alerts === undefined ? { ...input, similar_alerts: await findSimilarAlerts(ctx, input.alert) } : input),
});
