import { evaluateExpression, type EvaluateOptions, type ExpressionResult } from './evaluate-expression.js';
import type { StepScope } from './step-scope.js';

/**
 * Renders a sync route's `response` template over a finished run's scope. The template is JSON;
 * every string value that starts with `=` is replaced by the value of the JSONata expression after
 * it, `==` stands for a literal leading `=`, and everything else is copied. An expression that
 * matches nothing drops its object key (like JSON.stringify) and becomes null in an array.
 * Object keys are never evaluated. Pass `nowMs` so `$now()` is the same everywhere in one response.
 */
export async function renderResponseTemplate(template: unknown, scope: StepScope, options: EvaluateOptions = {}): Promise<ExpressionResult> {
  return renderAt(template, scope, options, '$');
}

async function renderAt(node: unknown, scope: StepScope, options: EvaluateOptions, path: string): Promise<ExpressionResult> {
  if (typeof node === 'string') {
    if (node.startsWith('==')) return { ok: true, value: node.slice(1) };
    if (!node.startsWith('=')) return { ok: true, value: node };
    const result = await evaluateExpression(node.slice(1), scope, options);
    return result.ok ? result : { ok: false, failure: { ...result.failure, message: `response template at ${path}: ${result.failure.message}` } };
  }
  if (Array.isArray(node)) {
    const items: unknown[] = [];
    for (const [index, item] of node.entries()) {
      const rendered = await renderAt(item, scope, options, `${path}[${index}]`);
      if (!rendered.ok) return rendered;
      items.push(rendered.value ?? null);
    }
    return { ok: true, value: items };
  }
  if (typeof node === 'object' && node !== null) {
    const rendered: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(node)) {
      const result = await renderAt(value, scope, options, `${path}.${key}`);
      if (!result.ok) return result;
      if (result.value !== undefined) rendered[key] = result.value;
    }
    return { ok: true, value: rendered };
  }
  // Numbers, booleans and null are copied; undefined (not JSON) stays undefined.
  return { ok: true, value: node };
}
