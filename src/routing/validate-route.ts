import jsonata from 'jsonata';
import type { ActionRegistry } from '../actions/action-registry.js';
import type { AgentRegistry } from '../agents/agent-registry.js';
import { coerceError } from '../core/coerce-error.js';
import type { CompiledExpression, CompiledRespond, CompiledRoute, CompiledStep, CompiledTemplate } from './compiled-route.js';
import type { RouteDefinition, StepDefinition } from './route-definition.js';
import type { RouteProblem } from './route-problem.js';
import { routeShapeProblems } from './route-shape-problems.js';
import { stepReferences } from './step-references.js';

/** The registries a route's `agent` and `action` steps are checked against. */
export interface RouteRegistries {
  readonly agents: Pick<AgentRegistry, 'getAgent' | 'listAgents'>;
  readonly actions: Pick<ActionRegistry, 'getAction' | 'listActions'>;
}

export type RouteValidation = { readonly ok: true; readonly compiled: CompiledRoute } | { readonly ok: false; readonly errors: readonly RouteProblem[] };

const DEFAULT_SYNC_TIMEOUT_MS = 10_000;
const DEFAULT_SYNC_STATUS = 200;

/** JSONata throws plain objects `{code, message, position, token}` for syntax errors, not always Errors. */
function describeJsonataError(thrown: unknown): string {
  const { message, position } = (typeof thrown === 'object' && thrown !== null ? thrown : {}) as { message?: unknown; position?: unknown };
  const text = typeof message === 'string' ? message : coerceError(thrown).message;
  return `invalid JSONata: ${text}${typeof position === 'number' ? ` (at position ${position})` : ''}`;
}

/** Every step name in the tree, in declaration order, with its path. */
function collectStepNames(steps: readonly StepDefinition[], prefix: string, into: Array<{ name: string; path: string }>): void {
  steps.forEach((step, index) => {
    const path = `${prefix}[${index}]`;
    into.push({ name: step.name, path });
    if (step.kind === 'branch') {
      step.cases.forEach((branchCase, caseIndex) => collectStepNames(branchCase.steps, `${path}.cases[${caseIndex}].steps`, into));
      collectStepNames(step.otherwise ?? [], `${path}.otherwise`, into);
    }
  });
}

/**
 * Checks a route and compiles it: the schema, unique step names across the whole route (branches
 * included), every JSONata expression, the agents and actions named, and that step expressions read
 * only steps declared before them. Problems are values; nothing here throws for a bad route.
 */
export function validateRoute(definition: unknown, registries: RouteRegistries): RouteValidation {
  const shapeProblems = routeShapeProblems(definition);
  if (shapeProblems.length > 0) return { ok: false, errors: shapeProblems };
  const route = definition as RouteDefinition;
  const problems: RouteProblem[] = [];

  const declared: Array<{ name: string; path: string }> = [];
  collectStepNames(route.steps, 'steps', declared);
  const firstPathOf = new Map<string, string>();
  for (const { name, path } of declared) {
    const first = firstPathOf.get(name);
    if (first === undefined) firstPathOf.set(name, path);
    else problems.push({ path: `${path}.name`, message: `step name "${name}" is already used by ${first}; names are unique across the route, branches included`, step: name });
  }

  const compile = (expression: string, path: string, step: string | undefined, readable: ReadonlySet<string> | undefined): CompiledExpression | undefined => {
    if (readable !== undefined) {
      for (const name of stepReferences(expression)) {
        if (readable.has(name)) continue;
        const reason = !firstPathOf.has(name)
          ? `there is no step named "${name}"`
          : name === step
            ? 'a step cannot read its own output'
            : `step "${name}" is not declared before this step (a step reads only the steps before it)`;
        problems.push({ path, message: `references steps.${name}, but ${reason}`, step });
      }
    }
    try {
      return jsonata(expression);
    } catch (thrown) {
      problems.push({ path, message: describeJsonataError(thrown), step });
      return undefined;
    }
  };
  const compileInputs = (inputs: Readonly<Record<string, string>> | undefined, path: string, step: string, readable: ReadonlySet<string>) =>
    Object.fromEntries(Object.entries(inputs ?? {}).map(([key, expression]) => [key, compile(expression, `${path}.${key}`, step, readable)]));

  /** Compiles a step list; `readable` holds the names declared before it and gains each step's name after the step. */
  const compileSteps = (steps: readonly StepDefinition[], prefix: string, readable: Set<string>): CompiledStep[] =>
    steps.map((step, index): CompiledStep => {
      const path = `${prefix}[${index}]`;
      const name = step.name;
      let compiled: CompiledStep;
      switch (step.kind) {
        case 'agent':
          if (registries.agents.getAgent(step.agent) === undefined) {
            const known = registries.agents.listAgents().map((agent) => agent.name);
            problems.push({ path: `${path}.agent`, message: `unknown agent "${step.agent}" (registered: ${known.join(', ') || 'none'})`, step: name });
          }
          compiled = { kind: 'agent', name, definition: step, agent: step.agent, inputs: compileInputs(step.with, `${path}.with`, name, readable) as Record<string, CompiledExpression> };
          break;
        case 'action':
          if (registries.actions.getAction(step.action) === undefined) {
            const known = registries.actions.listActions().map((action) => action.name);
            problems.push({ path: `${path}.action`, message: `unknown action "${step.action}" (registered: ${known.join(', ') || 'none yet'})`, step: name });
          }
          compiled = { kind: 'action', name, definition: step, action: step.action, inputs: compileInputs(step.with, `${path}.with`, name, readable) as Record<string, CompiledExpression> };
          break;
        case 'transform':
          compiled = { kind: 'transform', name, definition: step, expression: compile(step.expression, `${path}.expression`, name, readable) as CompiledExpression };
          break;
        case 'notify':
          compiled = {
            kind: 'notify',
            name,
            definition: step,
            to: compile(step.to, `${path}.to`, name, readable) as CompiledExpression,
            subject: step.subject === undefined ? undefined : compile(step.subject, `${path}.subject`, name, readable),
            body: compile(step.body, `${path}.body`, name, readable) as CompiledExpression,
            data: step.data === undefined ? undefined : compile(step.data, `${path}.data`, name, readable),
          };
          break;
        case 'emit':
          compiled = {
            kind: 'emit',
            name,
            definition: step,
            type: step.type,
            data: compile(step.data, `${path}.data`, name, readable) as CompiledExpression,
            subject: step.subject === undefined ? undefined : compile(step.subject, `${path}.subject`, name, readable),
          };
          break;
        case 'branch': {
          // Each case sees the steps before the branch, plus its own earlier steps; never a sibling case's.
          const declaredInside = new Set<string>();
          const compileCaseSteps = (caseSteps: readonly StepDefinition[], casePrefix: string) => {
            const caseReadable = new Set(readable);
            const compiledSteps = compileSteps(caseSteps, casePrefix, caseReadable);
            for (const inner of caseReadable) declaredInside.add(inner);
            return compiledSteps;
          };
          compiled = {
            kind: 'branch',
            name,
            definition: step,
            cases: step.cases.map((branchCase, caseIndex) => ({
              when: compile(branchCase.when, `${path}.cases[${caseIndex}].when`, name, readable) as CompiledExpression,
              steps: compileCaseSteps(branchCase.steps, `${path}.cases[${caseIndex}].steps`),
            })),
            otherwise: compileCaseSteps(step.otherwise ?? [], `${path}.otherwise`),
          };
          // Steps after the branch may read any of its steps; one that did not run reads as undefined.
          for (const inner of declaredInside) readable.add(inner);
          break;
        }
        default: {
          const unreachable: never = step;
          throw new Error(`unhandled step kind in ${JSON.stringify(unreachable)}`);
        }
      }
      readable.add(name);
      return compiled;
    });

  const filter = route.match.filter === undefined ? undefined : compile(route.match.filter, 'match.filter', undefined, undefined);
  const steps = compileSteps(route.steps, 'steps', new Set());
  const everyStep = new Set(firstPathOf.keys());

  const compileTemplate = (value: unknown, path: string): CompiledTemplate => {
    // `==` escapes a literal leading `=` (the same rule as src/runs/render-response-template.ts).
    if (typeof value === 'string' && value.startsWith('==')) return { kind: 'literal', value: value.slice(1) };
    if (typeof value === 'string' && value.startsWith('=')) {
      return { kind: 'expression', expression: compile(value.slice(1), path, undefined, everyStep) as CompiledExpression };
    }
    if (Array.isArray(value)) return { kind: 'array', items: value.map((item, index) => compileTemplate(item, `${path}[${index}]`)) };
    if (typeof value === 'object' && value !== null) {
      return { kind: 'object', entries: Object.entries(value).map(([key, item]) => [key, compileTemplate(item, `${path}.${key}`)] as const) };
    }
    return { kind: 'literal', value };
  };
  const respond: CompiledRespond =
    route.respond?.mode === 'sync'
      ? {
          mode: 'sync',
          timeoutMs: route.respond.timeout_ms ?? DEFAULT_SYNC_TIMEOUT_MS,
          status: route.respond.status ?? DEFAULT_SYNC_STATUS,
          response: route.respond.response === undefined ? undefined : compileTemplate(route.respond.response, 'respond.response'),
        }
      : { mode: 'async' };

  if (problems.length > 0) return { ok: false, errors: problems };
  return {
    ok: true,
    compiled: {
      id: route.id,
      definition: route,
      enabled: route.enabled ?? true,
      match: { source: route.match.source, type: route.match.type, filter },
      steps,
      respond,
    },
  };
}
