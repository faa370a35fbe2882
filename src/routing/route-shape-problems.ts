import { Type, type TSchema } from 'typebox';
import { Value } from 'typebox/value';
import { RouteDefinition, stepKinds, stepSchemasByKind, type StepKind } from './route-definition.js';
import { routePath, type RouteProblem } from './route-problem.js';

/** The route with its steps left unchecked, so each step is checked against its own kind's schema. */
const RouteShell = Type.Object({ ...RouteDefinition.properties, steps: Type.Array(Type.Unknown(), { minItems: 1 }) }, { additionalProperties: false });

/** Schema errors as problems; an unknown field gets one line (TypeBox reports it twice). */
function schemaProblems(schema: TSchema, value: unknown, prefix: string, step: string | undefined): RouteProblem[] {
  const problems: RouteProblem[] = [];
  for (const error of Value.Errors(schema, value)) {
    if (error.keyword === 'additionalProperties') continue;
    const path = routePath(prefix, error.instancePath);
    const message = error.keyword === 'boolean' ? 'unknown field' : error.message;
    if (!problems.some((p) => p.path === path && p.message === message)) problems.push({ path, message, step });
  }
  return problems;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function stepListProblems(steps: unknown, prefix: string): RouteProblem[] {
  if (!Array.isArray(steps)) return [];
  return steps.flatMap((step, index) => stepProblems(step, `${prefix}[${index}]`));
}

function stepProblems(step: unknown, path: string): RouteProblem[] {
  if (!isObject(step)) return [{ path, message: 'must be an object' }];
  const name = typeof step['name'] === 'string' ? step['name'] : undefined;
  const kind = step['kind'];
  if (typeof kind !== 'string' || !(stepKinds as readonly string[]).includes(kind)) {
    const given = kind === undefined ? 'missing step kind' : `unknown step kind ${JSON.stringify(kind)}`;
    return [{ path: `${path}.kind`, message: `${given} (one of ${stepKinds.join(', ')})`, step: name }];
  }
  const problems = schemaProblems(stepSchemasByKind[kind as StepKind], step, path, name);
  if (kind === 'branch') {
    const cases = Array.isArray(step['cases']) ? step['cases'] : [];
    cases.forEach((branchCase: unknown, index) => {
      if (isObject(branchCase)) problems.push(...stepListProblems(branchCase['steps'], `${path}.cases[${index}].steps`));
    });
    problems.push(...stepListProblems(step['otherwise'], `${path}.otherwise`));
  }
  return problems;
}

/**
 * Where `definition` does not fit the route schema, one problem per field. Steps are checked one by
 * one against their own kind, so a bad nested step is named instead of the whole step union failing.
 */
export function routeShapeProblems(definition: unknown): RouteProblem[] {
  if (Value.Check(RouteDefinition, definition)) return [];
  if (!isObject(definition)) return [{ path: '(route)', message: 'must be an object' }];
  const problems = [...schemaProblems(RouteShell, definition, '', undefined), ...stepListProblems(definition['steps'], 'steps')];
  // The shell and per-step schemas together equal the route schema; this guards against them drifting apart.
  return problems.length > 0 ? problems : schemaProblems(RouteDefinition, definition, '', undefined);
}
