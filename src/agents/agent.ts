import type { Logger } from 'pino';
import type { TSchema } from 'typebox';
import type { Clock } from '../core/clock.js';
import type { PastAlert } from './alert-schema.js';

/**
 * The LLM seam, implemented by `createLlmClient` (src/agents/llm) over an OpenAI-compatible endpoint;
 * when no LLM is configured `ctx.llm` is undefined and agents use their deterministic logic.
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

/** Read-only store access an agent may use (src/agents/agent-services.ts builds it); agents must work without it. */
export interface AgentStoreReader {
  /**
   * Recent processed alerts (those the learning agent recorded), newest first, each with the root
   * cause found for it when one was; `alertType` keeps one type, compared case-insensitively.
   */
  recentAlerts(args: { alertType?: string; limit: number }): Promise<PastAlert[]>;
}

/** One agent interaction to keep in seed 000's `learning_data` table. */
export interface LearningEntry {
  /** The step's `ctx.idempotencyKey`: recording the same key again creates nothing. */
  readonly idempotencyKey: string;
  readonly agentName: string;
  readonly interactionType: string;
  /** The alert the interaction was about, with its root cause when known; later read back by `recentAlerts`. */
  readonly alert: PastAlert;
  /** What else the agent knew (e.g. how many alerts it considered); stored as JSON. */
  readonly context: Readonly<Record<string, unknown>>;
  /** The patterns the agent found; stored as JSON. */
  readonly patterns: readonly unknown[];
  readonly recordedAtMs: number;
}

/** A learning_data row as recorded: the first recording of its idempotency key. */
export interface LearningRecord extends LearningEntry {
  readonly id: string;
}

/**
 * The one store write agents may make. `duplicate` means a row with the entry's idempotency key
 * already existed (a retried step): `record` is that first row, unchanged.
 */
export interface LearningRecorder {
  record(entry: LearningEntry): Promise<{ readonly outcome: 'recorded' | 'duplicate'; readonly record: LearningRecord }>;
}

/** What a run gives every agent step. External effects come in here so tests can pin them. */
export interface AgentContext {
  readonly clock: Clock;
  readonly logger: Logger;
  /** Stable across retries of the same step (run id + step name); pass it on to external calls. */
  readonly idempotencyKey: string;
  readonly llm?: LlmClient;
  readonly store?: AgentStoreReader;
  /** Where the learning agent records its interactions; absent, it only reports the patterns. */
  readonly learning?: LearningRecorder;
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
