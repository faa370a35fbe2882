import type { Logger } from 'pino';
import type { TSchema } from 'typebox';
import type { Clock } from '../core/clock.js';
import type { Alert } from './alert-schema.js';

/**
 * The LLM seam. The LLM issue implements it over an OpenAI-compatible endpoint; until then (and
 * whenever no LLM is configured) `ctx.llm` is undefined and agents use their deterministic logic.
 */
export interface LlmClient {
  /**
   * Asks the model for a JSON value that fits `schema`, letting it call `tools` first; rejects with
   * `LlmUnavailableError` (src/agents/llm) on timeout, transport failure, an open breaker or an answer that does not fit.
   */
  completeJson(request: { system: string; user: string; schema: TSchema; timeoutMs?: number; tools?: readonly LlmTool[] }): Promise<unknown>;
}

/** A function the model may call before answering; `execute` receives arguments that fit `parameters`. */
export interface LlmTool {
  readonly name: string;
  readonly description: string;
  readonly parameters: TSchema;
  execute(args: unknown): Promise<unknown>;
}

/** Read-only store access an agent may use. Filled by the store issue; agents must work without it. */
export interface AgentStoreReader {
  /** Recent processed alerts, newest first, optionally of one alert type. */
  recentAlerts(args: { alertType?: string; limit: number }): Promise<Alert[]>;
}

/** What a run gives every agent step. External effects come in here so tests can pin them. */
export interface AgentContext {
  readonly clock: Clock;
  readonly logger: Logger;
  /** Stable across retries of the same step (run id + step name); pass it on to external calls. */
  readonly idempotencyKey: string;
  readonly llm?: LlmClient;
  readonly store?: AgentStoreReader;
}

/**
 * An agent: a named, schema-described step. `run` receives input that already fits `inputSchema`
 * and must resolve to a value that fits `outputSchema`; it throws only for bugs and broken config.
 */
export interface Agent<I, O> {
  readonly name: string;
  readonly description: string;
  readonly inputSchema: TSchema;
  readonly outputSchema: TSchema;
  // Method syntax on purpose: it keeps `Agent<TriageInput, …>` assignable to `AnyAgent`.
  run(ctx: AgentContext, input: I): Promise<O>;
}

/** An agent of any input and output, as the registry and the run engine hold them. */
export type AnyAgent = Agent<unknown, unknown>;
