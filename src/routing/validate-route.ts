import jsonata from 'jsonata';
import type { ActionRegistry } from '../actions/action-registry.js';
import type { AgentRegistry } from '../agents/agent-registry.js';
import { coerceError } from '../core/coerce-error.js';
import type { CompiledRespond, CompiledRoute } from './compiled-route.js';
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
const DEFAULT_PENDING_STATUS = 202;

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
 * Checks a route and applies its defaults: the schema, unique step names across the whole route (branches
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

  const check = (expression: string, path: string, step: string | undefined, readable: ReadonlySet<string> | undefined): void => {
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
      jsonata(expression);
    } catch (thrown) {
      problems.push({ path, message: describeJsonataError(thrown), step });
    }
  };
  const checkInputs = (inputs: Readonly<Record<string, string>> | undefined, path: string, step: string, readable: ReadonlySet<string>) => {
    for (const [key, expression] of Object.entries(inputs ?? {})) check(expression, `${path}.${key}`, step, readable);
  };

  /** Checks a step list; `readable` holds the names declared before it and gains each step's name after the step. */
  const checkSteps = (steps: readonly StepDefinition[], prefix: string, readable: Set<string>): void => {
    steps.forEach((step, index) => {
      const path = `${prefix}[${index}]`;
      const name = step.name;
      switch (step.kind) {
        case 'agent':
          if (registries.agents.getAgent(step.agent) === undefined) {
            const known = registries.agents.listAgents().map((agent) => agent.name);
            problems.push({ path: `${path}.agent`, message: `unknown agent "${step.agent}" (registered: ${known.join(', ') || 'none'})`, step: name });
          }
          checkInputs(step.with, `${path}.with`, name, readable);
          break;
        case 'action':
          if (registries.actions.getAction(step.action) === undefined) {
            const known = registries.actions.listActions().map((action) => action.name);
            problems.push({ path: `${path}.action`, message: `unknown action "${step.action}" (registered: ${known.join(', ') || 'none yet'})`, step: name });
          }
          checkInputs(step.with, `${path}.with`, name, readable);
          break;
        case 'transform':
          check(step.expression, `${path}.expression`, name, readable);
          break;
        case 'notify':
          check(step.to, `${path}.to`, name, readable);
          if (step.subject !== undefined) check(step.subject, `${path}.subject`, name, readable);
          check(step.body, `${path}.body`, name, readable);
          if (step.data !== undefined) check(step.data, `${path}.data`, name, readable);
          break;
        case 'emit':
          check(step.data, `${path}.data`, name, readable);
          if (step.subject !== undefined) check(step.subject, `${path}.subject`, name, readable);
          break;
        case 'branch': {
          // Each case sees the steps before the branch, plus its own earlier steps; never a sibling case's.
          const declaredInside = new Set<string>();
          const checkCaseSteps = (caseSteps: readonly StepDefinition[], casePrefix: string) => {
            const caseReadable = new Set(readable);
            checkSteps(caseSteps, casePrefix, caseReadable);
            for (const inner of caseReadable) declaredInside.add(inner);
          };
          step.cases.forEach((branchCase, caseIndex) => {
            check(branchCase.when, `${path}.cases[${caseIndex}].when`, name, readable);
            checkCaseSteps(branchCase.steps, `${path}.cases[${caseIndex}].steps`);
          });
          checkCaseSteps(step.otherwise ?? [], `${path}.otherwise`);
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
    });
  };

  if (route.match.filter !== undefined) check(route.match.filter, 'match.filter', undefined, undefined);
  checkSteps(route.steps, 'steps', new Set());
  const everyStep = new Set(firstPathOf.keys());

  const checkTemplate = (value: unknown, path: string): void => {
    // `==` escapes a literal leading `=` (the rule of src/runs/render-response-template.ts, which renders it).
    if (typeof value === 'string' && value.startsWith('==')) return;
    if (typeof value === 'string' && value.startsWith('=')) check(value.slice(1), path, undefined, everyStep);
    else if (Array.isArray(value)) value.forEach((item, index) => checkTemplate(item, `${path}[${index}]`));
    else if (typeof value === 'object' && value !== null) for (const [key, item] of Object.entries(value)) checkTemplate(item, `${path}.${key}`);
  };
  const respond: CompiledRespond =
    route.respond?.mode === 'sync'
      ? {
          mode: 'sync',
          timeoutMs: route.respond.timeout_ms ?? DEFAULT_SYNC_TIMEOUT_MS,
          status: route.respond.status ?? DEFAULT_SYNC_STATUS,
          response: route.respond.response,
          pending: route.respond.pending === undefined ? undefined : { status: route.respond.pending.status ?? DEFAULT_PENDING_STATUS, response: route.respond.pending.response },
        }
      : { mode: 'async' };
  if (route.respond?.mode === 'sync' && route.respond.response !== undefined) checkTemplate(route.respond.response, 'respond.response');
  if (route.respond?.mode === 'sync' && route.respond.pending !== undefined) checkTemplate(route.respond.pending.response, 'respond.pending.response');

  if (problems.length > 0) return { ok: false, errors: problems };
  return {
    ok: true,
    compiled: {
      id: route.id,
      definition: route,
      enabled: route.enabled ?? true,
      match: { source: route.match.source, type: route.match.type, filter: route.match.filter },
      respond,
    },
  };
}
