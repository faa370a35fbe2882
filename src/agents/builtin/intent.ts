import { Type, type Static } from 'typebox';
import type { Agent } from '../agent.js';
import { intentPatterns, messageIntents, type MessageIntent } from './intent-patterns.js';

export const IntentInputSchema = Type.Object({
  /** The chat message (WhatsApp, Instagram, email body…). */
  text: Type.String(),
});
export type IntentInput = Static<typeof IntentInputSchema>;

export const IntentOutputSchema = Type.Object({
  intent: Type.Union([Type.Literal('meeting_request'), Type.Literal('lead_inquiry'), Type.Literal('follow_up'), Type.Literal('other')]),
  confidence: Type.Number({ minimum: 0, maximum: 1 }),
  /** Labels of the patterns that matched for the chosen intent. */
  matched: Type.Array(Type.String()),
  /** Weighted pattern score of every intent. */
  scores: Type.Object({ meeting_request: Type.Number(), lead_inquiry: Type.Number(), follow_up: Type.Number() }),
});
export type IntentOutput = Static<typeof IntentOutputSchema>;

/** Weight at which one intent's signals count as conclusive. */
const conclusiveWeight = 4;
const otherConfidence = 0.5;

/** Lower-cases and strips accents, so "Reunião" and "reuniao" match the same pattern. */
export function normaliseMessage(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

/** Seed 003's intent from keyword and pattern signals; ties go to the earlier intent in `messageIntents`. */
export function classifyIntent(text: string): IntentOutput {
  const normalised = normaliseMessage(text);
  const scores = { meeting_request: 0, lead_inquiry: 0, follow_up: 0 };
  const matched: Record<MessageIntent, string[]> = { meeting_request: [], lead_inquiry: [], follow_up: [] };
  for (const intent of messageIntents) {
    for (const { label, pattern, weight } of intentPatterns[intent]) {
      if (pattern.test(normalised)) {
        scores[intent] += weight;
        matched[intent].push(label);
      }
    }
  }
  let best: MessageIntent | undefined;
  for (const intent of messageIntents) if (scores[intent] > 0 && (best === undefined || scores[intent] > scores[best])) best = intent;
  if (best === undefined) return { intent: 'other', confidence: otherConfidence, matched: [], scores };

  const total = scores.meeting_request + scores.lead_inquiry + scores.follow_up;
  const strength = Math.min(1, scores[best] / conclusiveWeight);
  const share = scores[best] / total;
  // 0.4 for the faintest signal, up to 0.95 for a conclusive, uncontested one.
  const confidence = Math.round((0.4 + 0.55 * strength * share) * 100) / 100;
  return { intent: best, confidence, matched: matched[best], scores };
}

/** Seed 003's message intent classifier (meeting request, lead inquiry, follow-up or other). */
export const intentAgent: Agent<IntentInput, IntentOutput> & { readonly name: 'intent' } = {
  name: 'intent',
  description: 'Classifies a chat message as meeting_request, lead_inquiry, follow_up or other from English, Spanish and Portuguese keyword and pattern signals, with a confidence and the signals that matched.',
  inputSchema: IntentInputSchema,
  outputSchema: IntentOutputSchema,
  run: async (_ctx, input) => classifyIntent(input.text),
};
