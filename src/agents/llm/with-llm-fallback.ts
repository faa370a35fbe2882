import type { TSchema } from 'typebox';
import { Value } from 'typebox/value';
import type { Agent, AgentContext, LlmTool } from '../agent.js';
import { LlmUnavailableError, type LlmUnavailableReason } from './llm-unavailable-error.js';

/** How an agent asks the LLM: the answer's schema, the prompt, optional tools, and the mapping to the agent's output. */
export interface LlmStrategy<I, O> {
  readonly system: string;
  /** The schema the model's answer must fit (often smaller than the agent's output schema). */
  readonly answerSchema: TSchema;
  userPrompt(input: I): string;
  tools?(ctx: AgentContext, input: I): readonly LlmTool[];
  /** Turns an answer that fits `answerSchema` into the agent's output; the result is checked against `agent.outputSchema`. */
  toOutput(answer: unknown, input: I): O;
}

/**
 * An agent's output and where it came from. The marker sits beside the output, not in it, so the
 * agent's output schema stays the same on both paths.
 */
export type AgentOutcome<O> = { readonly output: O; readonly fallback: false } | { readonly output: O; readonly fallback: true; readonly reason: LlmUnavailableReason; readonly detail?: string };

/** Runs an agent with its LLM path, or its deterministic `run` when there is no LLM. */
export type LlmAgentRunner<I, O> = (ctx: AgentContext, input: I) => Promise<AgentOutcome<O>>;

/**
 * Seed 003's graceful degradation: the LLM path when `ctx.llm` exists and its answer fits, otherwise
 * the agent's deterministic `run`, marked `fallback: true` with the reason (logged at warn). Errors
 * that are not `LlmUnavailableError` are bugs and propagate.
 */
export function withLlmFallback<I, O>(agent: Agent<I, O>, strategy: LlmStrategy<I, O>): LlmAgentRunner<I, O> {
  const fallBack = async (ctx: AgentContext, input: I, reason: LlmUnavailableReason, detail?: string): Promise<AgentOutcome<O>> => {
    if (reason !== 'not_configured') ctx.logger.warn({ agent: agent.name, reason, detail }, 'LLM answer unusable; using deterministic logic');
    const output = await agent.run(ctx, input);
    return detail === undefined ? { output, fallback: true, reason } : { output, fallback: true, reason, detail };
  };

  return async (ctx, input) => {
    if (ctx.llm === undefined) return fallBack(ctx, input, 'not_configured');
    let answer: unknown;
    try {
      answer = await ctx.llm.completeJson({
        system: strategy.system,
        user: strategy.userPrompt(input),
        schema: strategy.answerSchema,
        ...(strategy.tools ? { tools: strategy.tools(ctx, input) } : {}),
      });
    } catch (error) {
      if (error instanceof LlmUnavailableError) return fallBack(ctx, input, error.reason, error.message);
      throw error;
    }
    // A client other than createLlmClient may not check the schema; the output schema is the contract either way.
    if (!Value.Check(strategy.answerSchema, answer)) return fallBack(ctx, input, 'invalid_output', 'answer does not fit the answer schema');
    const output = strategy.toOutput(answer, input);
    if (!Value.Check(agent.outputSchema, output)) return fallBack(ctx, input, 'invalid_output', `output does not fit ${agent.name}'s output schema`);
    return { output, fallback: false };
  };
}
