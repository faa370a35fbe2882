import type { Logger } from 'pino';
import type { TSchema } from 'typebox';
import { Value } from 'typebox/value';
import { compiledCheck } from './compiled-check.js';
import type { AgentContext, AgentStoreReader, LearningRecorder, LlmClient } from '../agents/agent.js';
import type { AgentRegistry } from '../agents/agent-registry.js';
import type { Clock } from '../core/clock.js';
import { coerceError } from '../core/coerce-error.js';
import { isJsonataTruthy } from '../agents/builtin/policy-condition.js';
import type { StepDefinition } from '../routing/route-definition.js';
import type { ActionLookup } from './action-lookup.js';
import { evaluateExpression, type EvaluateOptions, type ExpressionLimits, type ExpressionResult } from './evaluate-expression.js';
import { stepFailure, type StepFailure } from './step-failure.js';
import type { EmitRequest, NotifyRequest, StepOutcome } from './step-outcome.js';
import type { StepScope } from './step-scope.js';

/** What executing a step needs from outside. Nothing here is read from globals, so tests pin all of it. */
export interface StepDeps {
  readonly agents: Pick<AgentRegistry, 'getAgent'>;
  readonly actions: ActionLookup;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly llm?: LlmClient;
  readonly store?: AgentStoreReader;
  /** Where the learning agent records interactions (seed 000's learning_data). */
  readonly learning?: LearningRecorder;
  /** Defaults to `stepIdempotencyKey(scope.run.id, step.name)`. */
  readonly idempotencyKey?: string;
  readonly expressionLimits?: ExpressionLimits;
}

type StepOf<K extends StepDefinition['kind']> = Extract<StepDefinition, { kind: K }>;

/** The idempotency key of a step: the same for every attempt of that step in that run. */
export function stepIdempotencyKey(runId: string, stepName: string): string {
  return `${runId}:${stepName}`;
}

const failed = (error: StepFailure): StepOutcome => ({ kind: 'failed', error });

/** The first schema error as `path: message`, for `input_invalid` and `output_invalid` messages. */
function firstSchemaError(schema: TSchema, value: unknown): string {
  const first = Value.Errors(schema, value)[0];
  if (first === undefined) return 'does not fit the schema';
  return `${first.instancePath === '' ? '(root)' : first.instancePath}: ${first.message}`;
}

/**
 * A failure from whatever an agent or action threw: retryable `step_error` by default; an error
 * carrying `retryable: false` is not retried, one carrying a non-negative `retryAfterMs` is retried
 * no sooner than that.
 */
function failureFromThrown(thrown: unknown, what: string): StepFailure {
  const error = coerceError(thrown);
  const fields = error as { retryable?: unknown; retryAfterMs?: unknown };
  const retryAfterMs = typeof fields.retryAfterMs === 'number' && Number.isFinite(fields.retryAfterMs) && fields.retryAfterMs >= 0 ? fields.retryAfterMs : undefined;
  const message = `${what} threw: ${error.message}`;
  const retryable = fields.retryable !== false;
  return retryAfterMs === undefined || !retryable ? { code: 'step_error', message, retryable } : { code: 'step_error', message, retryable, retryAfterMs };
}

/** Evaluates each `with` field into an input object; a field that matches nothing is left out. */
async function evaluateInputs(inputs: Readonly<Record<string, string>> | undefined, scope: StepScope, options: EvaluateOptions): Promise<{ ok: true; value: Record<string, unknown> } | { ok: false; failure: StepFailure }> {
  const value: Record<string, unknown> = {};
  for (const [field, text] of Object.entries(inputs ?? {})) {
    const result = await evaluateExpression(text, scope, options);
    if (!result.ok) return { ok: false, failure: { ...result.failure, message: `input "${field}": ${result.failure.message}` } };
    if (result.value !== undefined) value[field] = result.value;
  }
  return { ok: true, value };
}

/** Runs a schema-described callable: input check, call, output check. */
async function runChecked(
  what: string,
  schemas: { readonly input: TSchema; readonly output?: TSchema | undefined },
  input: unknown,
  call: () => Promise<unknown>,
  logger: Logger,
): Promise<StepOutcome> {
  if (!compiledCheck(schemas.input, input)) return failed(stepFailure('input_invalid', `input does not fit ${what}'s input schema at ${firstSchemaError(schemas.input, input)}`));
  let output: unknown;
  try {
    output = await call();
  } catch (thrown) {
    const failure = failureFromThrown(thrown, what);
    logger.warn({ err: coerceError(thrown), retryable: failure.retryable }, `${what} failed`);
    return failed(failure);
  }
  if (schemas.output !== undefined && !compiledCheck(schemas.output, output)) {
    return failed(stepFailure('output_invalid', `output of ${what} does not fit its output schema at ${firstSchemaError(schemas.output, output)}`));
  }
  return { kind: 'output', output: output ?? null };
}

/** `to` as user ids: one id, or an array of ids; duplicates dropped, order kept. */
function userIdsFrom(value: unknown): string[] | StepFailure {
  const ids = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(ids) || ids.length === 0 || !ids.every((id): id is string => typeof id === 'string' && id !== '')) {
    return stepFailure('input_invalid', `notify "to" must give a user id or a non-empty array of user ids, got ${JSON.stringify(value) ?? 'nothing'}`);
  }
  return [...new Set(ids)];
}

/** An optional text field (`subject`): absent when the expression matches nothing. */
function optionalText(field: string, result: ExpressionResult & { ok: true }): string | undefined | StepFailure {
  if (result.value === undefined || result.value === null) return undefined;
  if (typeof result.value === 'string') return result.value;
  return stepFailure('input_invalid', `${field} must evaluate to a string, got ${JSON.stringify(result.value)}`);
}

/** The outcome with the evaluated inputs attached, so the run records what the step was given. */
function withInput(outcome: StepOutcome, input: unknown): StepOutcome {
  return outcome.kind === 'output' || outcome.kind === 'failed' ? { ...outcome, input } : outcome;
}

const isFailure = (value: unknown): value is StepFailure => typeof value === 'object' && value !== null && 'code' in value && 'retryable' in value;

async function evaluateOptional(text: string | undefined, scope: StepScope, options: EvaluateOptions): Promise<ExpressionResult> {
  return text === undefined ? { ok: true, value: undefined } : evaluateExpression(text, scope, options);
}

async function executeEmit(step: StepOf<'emit'>, scope: StepScope, options: EvaluateOptions): Promise<StepOutcome> {
  const data = await evaluateExpression(step.data, scope, options);
  if (!data.ok) return failed(data.failure);
  const subjectResult = await evaluateOptional(step.subject, scope, options);
  if (!subjectResult.ok) return failed(subjectResult.failure);
  const subject = optionalText('emit subject', subjectResult);
  if (isFailure(subject)) return failed(subject);
  const event: EmitRequest = subject === undefined ? { type: step.type, data: data.value ?? null } : { type: step.type, data: data.value ?? null, subject };
  return { kind: 'emit', event };
}

async function executeNotify(step: StepOf<'notify'>, scope: StepScope, options: EvaluateOptions): Promise<StepOutcome> {
  const to = await evaluateExpression(step.to, scope, options);
  if (!to.ok) return failed(to.failure);
  const userIds = userIdsFrom(to.value);
  if (isFailure(userIds)) return failed(userIds);

  const body = await evaluateExpression(step.body, scope, options);
  if (!body.ok) return failed(body.failure);
  if (typeof body.value !== 'string' && typeof body.value !== 'number' && typeof body.value !== 'boolean') {
    return failed(stepFailure('input_invalid', `notify body must evaluate to text, got ${JSON.stringify(body.value) ?? 'nothing'}`));
  }

  const subjectResult = await evaluateOptional(step.subject, scope, options);
  if (!subjectResult.ok) return failed(subjectResult.failure);
  const subject = optionalText('notify subject', subjectResult);
  if (isFailure(subject)) return failed(subject);

  const data = await evaluateOptional(step.data, scope, options);
  if (!data.ok) return failed(data.failure);

  const request: NotifyRequest = {
    user_ids: userIds,
    body: String(body.value),
    strategy: step.strategy ?? 'all',
    ...(subject === undefined ? {} : { subject }),
    ...(data.value === undefined ? {} : { data: data.value }),
    ...(step.channels === undefined ? {} : { channels: step.channels }),
  };
  return { kind: 'notify', request };
}

async function executeBranch(step: StepOf<'branch'>, scope: StepScope, options: EvaluateOptions): Promise<StepOutcome> {
  for (const [index, branchCase] of step.cases.entries()) {
    const when = await evaluateExpression(branchCase.when, scope, options);
    if (!when.ok) return failed({ ...when.failure, message: `case ${index}: ${when.failure.message}` });
    if (isJsonataTruthy(when.value)) return { kind: 'branch', steps: branchCase.steps };
  }
  return { kind: 'branch', steps: step.otherwise ?? [] };
}

/**
 * Executes one attempt of `step` over `scope`. Pure apart from what the agent or action does:
 * no store writes, no enqueueing; the caller commits the outcome. Expected failures are returned
 * as `{kind: 'failed'}`; nothing a route author or an agent can cause makes this throw.
 */
export async function executeStep(step: StepDefinition, scope: StepScope, deps: StepDeps): Promise<StepOutcome> {
  // One instant per attempt: every `$now()` of the step sees the same time, taken from the injected clock.
  const options: EvaluateOptions = { nowMs: deps.clock.nowMs(), ...(deps.expressionLimits === undefined ? {} : { limits: deps.expressionLimits }) };
  const idempotencyKey = deps.idempotencyKey ?? stepIdempotencyKey(scope.run.id, step.name);
  const logger = deps.logger.child({ run_id: scope.run.id, step: step.name });

  switch (step.kind) {
    case 'agent': {
      const agent = deps.agents.getAgent(step.agent);
      if (agent === undefined) return failed(stepFailure('unknown_agent', `no agent named "${step.agent}"`));
      const input = await evaluateInputs(step.with, scope, options);
      if (!input.ok) return failed(input.failure);
      const ctx: AgentContext = {
        clock: deps.clock,
        logger,
        idempotencyKey,
        ...(deps.llm === undefined ? {} : { llm: deps.llm }),
        ...(deps.store === undefined ? {} : { store: deps.store }),
        ...(deps.learning === undefined ? {} : { learning: deps.learning }),
      };
      const outcome = await runChecked(`agent "${agent.name}"`, { input: agent.inputSchema, output: agent.outputSchema }, input.value, () => agent.run(ctx, input.value), logger);
      return withInput(outcome, input.value);
    }
    case 'action': {
      const action = deps.actions.getAction(step.action);
      if (action === undefined) return failed(stepFailure('unknown_action', `no action named "${step.action}"`));
      const input = await evaluateInputs(step.with, scope, options);
      if (!input.ok) return failed(input.failure);
      const ctx = { clock: deps.clock, logger, idempotencyKey };
      const outcome = await runChecked(`action "${action.name}"`, { input: action.inputSchema, output: action.outputSchema }, input.value, () => action.run(ctx, input.value), logger);
      return withInput(outcome, input.value);
    }
    case 'transform': {
      const result = await evaluateExpression(step.expression, scope, options);
      return result.ok ? { kind: 'output', output: result.value ?? null } : failed(result.failure);
    }
    case 'branch':
      return executeBranch(step, scope, options);
    case 'emit':
      return executeEmit(step, scope, options);
    case 'notify':
      return executeNotify(step, scope, options);
    default: {
      const unhandled: never = step;
      throw new Error(`unhandled step kind ${JSON.stringify((unhandled as { kind?: unknown }).kind)}`);
    }
  }
}
