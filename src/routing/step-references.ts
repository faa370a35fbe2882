/** `steps.name` or ``steps.`name-with-dash` `` not preceded by a path or variable (so `$steps`, `a.steps` are not references). */
const STEP_REFERENCE = /(?<![\w$.`])steps\s*\.\s*(?:`([^`]+)`|([A-Za-z_][A-Za-z0-9_]*))/g;

/**
 * The step names an expression reads as `steps.<name>`. A textual scan, not a parse: it is enough
 * to catch references to later or missing steps, and it errs toward finding a name inside a string literal.
 */
export function stepReferences(expression: string): string[] {
  const names = new Set<string>();
  for (const match of expression.matchAll(STEP_REFERENCE)) names.add((match[1] ?? match[2]) as string);
  return [...names];
}
