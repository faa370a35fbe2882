import { Type, type TObject } from 'typebox';
import type { Agent, AgentContext } from '../agent.js';
import { llmUnavailableReasons, type LlmUnavailableReason } from './llm-unavailable-error.js';
import { withLlmFallback, type LlmStrategy } from './with-llm-fallback.js';

/** Where an LLM-backed agent's output came from, added to its output. */
export interface LlmMarker {
  /** false: the LLM's answer; true: the deterministic logic (no LLM configured, or its answer was unusable). */
  readonly fallback: boolean;
  /** Why the deterministic logic ran; present exactly when `fallback` is true. */
  readonly fallback_reason?: LlmUnavailableReason;
}

/** `LlmMarker` as JSON Schema; both come from `llmUnavailableReasons`. */
export const LlmMarkerSchema = Type.Object({
  fallback: Type.Boolean(),
  fallback_reason: Type.Optional(Type.Union(llmUnavailableReasons.map((reason) => Type.Literal(reason)))),
});

export interface LlmBackedAgentOptions<I, O, N extends string> {
  /** The deterministic agent: its name, description and input schema are kept, and its `run` is the fallback. */
  readonly agent: Agent<I, O> & { readonly name: N };
  /** The deterministic agent's output schema as an object schema, extended with the marker. */
  readonly outputSchema: TObject;
  readonly strategy: LlmStrategy<I, O>;
  /** Completes the input before either path runs (e.g. reads similar alerts from the store once, for both). */
  prepareInput?(ctx: AgentContext, input: I): Promise<I>;
}

/**
 * A registrable agent that tries the LLM first (`withLlmFallback`) and puts the marker in its output:
 * `fallback: false` for the LLM's answer, `fallback: true` and `fallback_reason` for the deterministic
 * one. The run engine records outputs, so the marker must be part of the output to reach the run.
 */
export function llmBackedAgent<I, O extends object, N extends string>(options: LlmBackedAgentOptions<I, O, N>): Agent<I, O & LlmMarker> & { readonly name: N } {
  const { agent, strategy } = options;
  const runner = withLlmFallback(agent, strategy);
  return {
    name: agent.name,
    description: `${agent.description} Asks the configured LLM first (output "fallback": false); without one, or when its answer is unusable, uses this deterministic logic ("fallback": true with "fallback_reason").`,
    inputSchema: agent.inputSchema,
    outputSchema: Type.Object({ ...options.outputSchema.properties, ...LlmMarkerSchema.properties }),
    run: async (ctx, input) => {
      const prepared = options.prepareInput === undefined ? input : await options.prepareInput(ctx, input);
      const outcome = await runner(ctx, prepared);
      return outcome.fallback ? { ...outcome.output, fallback: true, fallback_reason: outcome.reason } : { ...outcome.output, fallback: false };
    },
  };
}
