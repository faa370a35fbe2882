import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { AISDKError, APICallError, generateText, jsonSchema, NoObjectGeneratedError, NoOutputGeneratedError, Output, stepCountIs, tool, type JSONSchema7, type Schema, type ToolSet } from 'ai';
import { BrokenCircuitError, circuitBreaker, ConsecutiveBreaker, handleWhen, IsolatedCircuitError, TaskCancelledError, timeout, TimeoutStrategy } from 'cockatiel';
import type { TSchema } from 'typebox';
import { Value } from 'typebox/value';
import type { LlmClient, LlmTool } from '../agent.js';
import { LlmUnavailableError } from './llm-unavailable-error.js';

/** The `llm` section of the config, already parsed and validated at start-up. */
export interface LlmClientConfig {
  /** OpenAI-compatible API root, e.g. `http://localhost:11434/v1`; the client posts to `<baseUrl>/chat/completions`. */
  readonly baseUrl: string;
  readonly model: string;
  readonly apiKey?: string;
  /** Default per-call budget, tool steps included; a request's own `timeoutMs` overrides it. */
  readonly timeoutMs: number;
  readonly breaker: {
    /** Consecutive failed calls (transport errors and timeouts) that open the breaker. */
    readonly failureThreshold: number;
    /** How long an open breaker fails calls fast before it lets one trial call through. */
    readonly halfOpenAfterMs: number;
  };
  /** Model round trips per call, tool calls included (default 5). */
  readonly maxSteps?: number;
}

const providerName = 'switchboard';
const defaultMaxSteps = 5;

/**
 * An `LlmClient` over any OpenAI-compatible chat-completions endpoint, through the AI SDK. Structured
 * output is requested as `response_format: {type: "json_schema"}` and checked with `Value.Check`.
 * Each call runs under a cockatiel timeout inside one circuit breaker shared by every call of this
 * client. Every failure rejects with `LlmUnavailableError`; an answer that does not fit the schema
 * is `invalid_output` and, since the endpoint did answer, does not count towards opening the breaker.
 */
export function createLlmClient(config: LlmClientConfig): LlmClient {
  const provider = createOpenAICompatible({
    name: providerName,
    baseURL: config.baseUrl,
    ...(config.apiKey === undefined ? {} : { apiKey: config.apiKey }),
    supportsStructuredOutputs: true,
  });
  const model = provider.chatModel(config.model);
  const maxSteps = config.maxSteps ?? defaultMaxSteps;
  // cockatiel reads Date.now() for the half-open delay; it has no clock to inject.
  const breaker = circuitBreaker(
    handleWhen((error) => !isOutputError(error)),
    { halfOpenAfter: config.breaker.halfOpenAfterMs, breaker: new ConsecutiveBreaker(config.breaker.failureThreshold) },
  );

  return {
    async completeJson(request) {
      const callTimeout = timeout(request.timeoutMs ?? config.timeoutMs, TimeoutStrategy.Aggressive);
      try {
        return await breaker.execute(() =>
          callTimeout.execute(async ({ signal }) => {
            const result = await generateText({
              model,
              system: request.system,
              prompt: request.user,
              output: Output.object({ schema: checkedSchema(request.schema) }),
              ...(request.tools?.length ? { tools: toToolSet(request.tools), stopWhen: stepCountIs(maxSteps) } : {}),
              // Retries belong to the run engine's step attempts; retrying here would hide failures from the breaker.
              maxRetries: 0,
              abortSignal: signal,
              // OpenAI's strict mode rejects schemas with optional properties; Value.Check enforces the schema instead.
              providerOptions: { [providerName]: { strictJsonSchema: false } },
            });
            return result.output;
          }),
        );
      } catch (error) {
        throw toLlmUnavailableError(error, maxSteps);
      }
    },
  };
}

/** The TypeBox schema as the SDK's schema, validated with `Value.Check` so a misfit answer fails inside `generateText`. */
function checkedSchema(schema: TSchema): Schema<unknown> {
  return jsonSchema(schema as JSONSchema7, {
    validate: (value) => {
      if (Value.Check(schema, value)) return { success: true, value };
      const first = Value.Errors(schema, value)[0];
      const where = first?.instancePath === '' ? '(root)' : first?.instancePath;
      return { success: false, error: new Error(`answer does not fit the schema at ${where ?? '(root)'}: ${first?.message ?? 'invalid'}`) };
    },
  });
}

/** The tools keyed by name, as the SDK runs them: arguments that do not fit `parameters` go back to the model as a tool error. */
function toToolSet(tools: readonly LlmTool[]): ToolSet {
  const set: ToolSet = {};
  for (const llmTool of tools) {
    set[llmTool.name] = tool({
      description: llmTool.description,
      inputSchema: checkedSchema(llmTool.parameters),
      execute: (args: unknown) => llmTool.execute(args),
    });
  }
  return set;
}

function isOutputError(error: unknown): boolean {
  return NoObjectGeneratedError.isInstance(error) || NoOutputGeneratedError.isInstance(error);
}

/** Maps what the SDK and cockatiel throw to a reason; anything else is a bug and propagates unchanged. */
function toLlmUnavailableError(error: unknown, maxSteps: number): unknown {
  if (error instanceof BrokenCircuitError || error instanceof IsolatedCircuitError) {
    return new LlmUnavailableError('breaker_open', 'the circuit breaker is open after repeated failures', { cause: error });
  }
  if (error instanceof TaskCancelledError) return new LlmUnavailableError('timeout', error.message, { cause: error });
  if (NoObjectGeneratedError.isInstance(error)) {
    const detail = error.cause instanceof Error ? error.cause.message : error.message;
    return new LlmUnavailableError('invalid_output', detail, { cause: error });
  }
  if (NoOutputGeneratedError.isInstance(error)) {
    return new LlmUnavailableError('invalid_output', `no final answer within ${maxSteps} steps`, { cause: error });
  }
  if (APICallError.isInstance(error)) {
    const status = error.statusCode === undefined ? 'no response' : `HTTP ${error.statusCode}`;
    return new LlmUnavailableError('http_error', `${status} from ${error.url}: ${error.message}`, { cause: error });
  }
  // Other SDK errors are malformed responses (a body that is not a chat completion, an unknown finish reason…).
  if (AISDKError.isInstance(error)) return new LlmUnavailableError('http_error', error.message, { cause: error });
  return error;
}
