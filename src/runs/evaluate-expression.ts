import jsonata from 'jsonata';
import { coerceError } from '../core/coerce-error.js';
import { stepFailure, type StepFailure } from './step-failure.js';

/** Limits on one evaluation. JSONata checks them on every evaluation step, so a runaway loop or recursion stops. */
export interface ExpressionLimits {
  /** Wall-clock budget of one evaluation. */
  readonly timeoutMs: number;
  /** Deepest evaluation nesting allowed (non-terminating recursion hits this before memory runs out). */
  readonly maxDepth: number;
}

export const defaultExpressionLimits: ExpressionLimits = { timeoutMs: 1_000, maxDepth: 5_000 };

export interface EvaluateOptions {
  readonly limits?: ExpressionLimits;
  /** What `$now()` and `$millis()` return; JSONata reads the system clock when unset. */
  readonly nowMs?: number;
}

/** A JSON value (undefined when the expression matches nothing), or why there is none. */
export type ExpressionResult = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly failure: StepFailure };

/**
 * Compiled expressions by limits and text. Routes are few and their expressions fixed, so the set
 * is small; the cap only guards against callers that evaluate ad-hoc text (oldest entry goes first).
 */
const compiled = new Map<string, jsonata.Expression>();
const cacheLimit = 2_000;

/** Formats `$now()`'s optional picture and timezone the way JSONata's own `$now` does. */
const formatMillis = jsonata('$fromMillis($ms, $picture, $timezone)');

/** JSONata throws plain objects `{code, message, position}`, not Errors; read them before coercing. */
function jsonataErrorCode(thrown: unknown): string | undefined {
  const code = typeof thrown === 'object' && thrown !== null ? (thrown as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : undefined;
}

function describeJsonataError(thrown: unknown): string {
  const fields = typeof thrown === 'object' && thrown !== null ? (thrown as { message?: unknown; position?: unknown }) : {};
  const message = typeof fields.message === 'string' ? fields.message : coerceError(thrown).message;
  const where = typeof fields.position === 'number' ? ` at position ${fields.position}` : '';
  const code = jsonataErrorCode(thrown);
  return code === undefined ? `${message}${where}` : `${code}${where}: ${message}`;
}

function compile(text: string, limits: ExpressionLimits): jsonata.Expression | StepFailure {
  const key = `${limits.timeoutMs}:${limits.maxDepth}:${text}`;
  const cached = compiled.get(key);
  if (cached) return cached;
  let expression: jsonata.Expression;
  try {
    expression = jsonata(text, { timeout: limits.timeoutMs, stack: limits.maxDepth });
  } catch (thrown) {
    return stepFailure('expression_invalid', `invalid JSONata ${JSON.stringify(text)}: ${describeJsonataError(thrown)}`);
  }
  if (compiled.size >= cacheLimit) {
    const oldest = compiled.keys().next().value;
    if (oldest !== undefined) compiled.delete(oldest);
  }
  compiled.set(key, expression);
  return expression;
}

function clockBindings(nowMs: number): Record<string, unknown> {
  return {
    millis: () => nowMs,
    now: (picture?: string, timezone?: string) =>
      picture === undefined && timezone === undefined ? new Date(nowMs).toISOString() : formatMillis.evaluate(null, { ms: nowMs, picture, timezone }),
  };
}

/**
 * Evaluates JSONata `text` over `input` (usually a StepScope). Never throws for a bad expression:
 * a compile error is `expression_invalid`, an evaluation error `expression_failed`, running past
 * `limits.timeoutMs` `expression_timeout`. The value is plain JSON (JSONata's sequence markers
 * dropped); a result containing a function is `expression_failed`.
 */
export async function evaluateExpression(text: string, input: unknown, options: EvaluateOptions = {}): Promise<ExpressionResult> {
  const expression = compile(text, options.limits ?? defaultExpressionLimits);
  if (!('evaluate' in expression)) return { ok: false, failure: expression };
  let value: unknown;
  try {
    value = await expression.evaluate(input, options.nowMs === undefined ? undefined : clockBindings(options.nowMs));
  } catch (thrown) {
    if (jsonataErrorCode(thrown) === 'D1012') return { ok: false, failure: stepFailure('expression_timeout', `JSONata ${JSON.stringify(text)} ran past ${options.limits?.timeoutMs ?? defaultExpressionLimits.timeoutMs} ms`) };
    return { ok: false, failure: stepFailure('expression_failed', `JSONata ${JSON.stringify(text)} failed: ${describeJsonataError(thrown)}`) };
  }
  const plain = toPlainJson(value);
  if (plain === notJson) return { ok: false, failure: stepFailure('expression_failed', `JSONata ${JSON.stringify(text)} evaluates to a function, not a JSON value`) };
  return { ok: true, value: plain };
}

const notJson = Symbol('not JSON');

/** JSONata functions are JS functions or objects marked `_jsonata_lambda` / `_jsonata_function`. */
function isJsonataFunction(value: object): boolean {
  return typeof value === 'function' || '_jsonata_lambda' in value || '_jsonata_function' in value;
}

/**
 * A copy of an evaluation result as plain JSON: sequence flags dropped (so outputs persist as they
 * compare), undefined object members left out, and `notJson` when a function appears anywhere.
 */
function toPlainJson(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return typeof value === 'function' ? notJson : value;
  if (isJsonataFunction(value)) return notJson;
  if (Array.isArray(value)) {
    const items: unknown[] = [];
    for (const item of value as unknown[]) {
      const plain = toPlainJson(item);
      if (plain === notJson) return notJson;
      items.push(plain === undefined ? null : plain);
    }
    return items;
  }
  const copy: Record<string, unknown> = {};
  for (const [key, member] of Object.entries(value)) {
    const plain = toPlainJson(member);
    if (plain === notJson) return notJson;
    if (plain !== undefined) copy[key] = plain;
  }
  return copy;
}
