import jsonata from 'jsonata';
import { coerceError } from '../../core/coerce-error.js';

/** A policy whose condition is broken: a configuration bug, named so the operator can fix it. */
export class PolicyConditionError extends Error {
  constructor(
    readonly policyId: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`compliance policy "${policyId}": ${message}`, options);
    this.name = 'PolicyConditionError';
  }
}

/**
 * Compiled conditions by expression text. Policies come from config, so the set is small; the cap
 * only guards against callers that pass a fresh expression with every input.
 */
const compiledConditions = new Map<string, jsonata.Expression>();
const cacheLimit = 1000;

function describeJsonataError(error: Error): string {
  const position = (error as { position?: unknown }).position;
  return typeof position === 'number' ? `${error.message} (at position ${position})` : error.message;
}

/** The compiled JSONata condition of a policy, compiled once per distinct expression. */
export function compilePolicyCondition(policyId: string, condition: string): jsonata.Expression {
  const cached = compiledConditions.get(condition);
  if (cached) return cached;
  let expression: jsonata.Expression;
  try {
    expression = jsonata(condition);
  } catch (thrown) {
    const error = coerceError(thrown);
    throw new PolicyConditionError(policyId, `invalid condition: ${describeJsonataError(error)}`, { cause: error });
  }
  if (compiledConditions.size >= cacheLimit) {
    const oldest = compiledConditions.keys().next().value;
    if (oldest !== undefined) compiledConditions.delete(oldest);
  }
  compiledConditions.set(condition, expression);
  return expression;
}

/** JSONata's own truthiness (`$boolean`): empty strings, 0, empty arrays and objects, and no result are false. */
export function isJsonataTruthy(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string') return value.length > 0;
  if (typeof value === 'number') return value !== 0;
  if (typeof value === 'function') return false;
  if (Array.isArray(value)) return value.some(isJsonataTruthy);
  if (typeof value === 'object') return Object.keys(value).length > 0;
  return false;
}

/** Whether a policy's condition holds (meaning: the policy is violated). A failing evaluation is a config bug and throws. */
export async function evaluatePolicyCondition(policyId: string, condition: string, data: unknown, bindings: Record<string, unknown>): Promise<boolean> {
  const expression = compilePolicyCondition(policyId, condition);
  try {
    return isJsonataTruthy(await expression.evaluate(data, bindings));
  } catch (thrown) {
    const error = coerceError(thrown);
    throw new PolicyConditionError(policyId, `condition failed to evaluate: ${describeJsonataError(error)}`, { cause: error });
  }
}
