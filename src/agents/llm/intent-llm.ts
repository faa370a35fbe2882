import { Type, type Static } from 'typebox';
import { classifyIntent, intentAgent, IntentOutputSchema, type IntentInput, type IntentOutput } from '../builtin/intent.js';
import { llmBackedAgent } from './llm-backed-agent.js';
import { withLlmFallback, type LlmAgentRunner, type LlmStrategy } from './with-llm-fallback.js';

/** What the model answers for a message: the intent and its confidence. */
export const IntentAnswerSchema = Type.Object({
  intent: IntentOutputSchema.properties.intent,
  confidence: Type.Number({ minimum: 0, maximum: 1 }),
});
export type IntentAnswer = Static<typeof IntentAnswerSchema>;

/**
 * The intent agent's LLM prompt. The model picks the intent and confidence; `scores` stay the
 * keyword pattern scores (still true of the text) and `matched` is empty, since no pattern chose it.
 */
export const intentLlmStrategy: LlmStrategy<IntentInput, IntentOutput> = {
  system: [
    'You classify one chat message (WhatsApp, Instagram or email; English, Spanish or Portuguese) by the sender\'s intent.',
    'meeting_request: asks to meet, call, schedule or see a demo. lead_inquiry: asks about prices, plans, quotes or buying.',
    'follow_up: chases an earlier conversation or asks for an update. other: anything else.',
    'Answer with JSON only: {"intent": one of the four, "confidence": 0..1}.',
  ].join('\n'),
  answerSchema: IntentAnswerSchema,
  userPrompt: (input) => input.text,
  toOutput: (answer, input) => {
    const { intent, confidence } = answer as IntentAnswer;
    return { intent, confidence: Math.round(confidence * 100) / 100, matched: [], scores: classifyIntent(input.text).scores };
  },
};

/** The intent agent with its LLM path first and the keyword classifier as the fallback. */
export const runIntentWithLlm: LlmAgentRunner<IntentInput, IntentOutput> = withLlmFallback(intentAgent, intentLlmStrategy);

/** The intent agent as registered: the LLM first, the keyword classifier as the fallback, marked in the output. */
export const llmIntentAgent = llmBackedAgent({ agent: intentAgent, outputSchema: IntentOutputSchema, strategy: intentLlmStrategy });
