import { describe, expect, it } from 'vitest';
import type { StepDefinition } from '../../src/routing/route-definition.js';
import { nextStep, planRun, type BranchExpansions } from '../../src/runs/plan-run.js';

const t = (name: string): StepDefinition => ({ name, kind: 'transform', expression: '1' });
const inner: StepDefinition = { name: 'inner', kind: 'branch', cases: [{ when: 'true', steps: [t('deep')] }] };
const chosen = [t('page'), inner];
const route: StepDefinition[] = [t('triage'), { name: 'decide', kind: 'branch', cases: [{ when: 'true', steps: chosen }], otherwise: [t('log')] }, t('emit')];

const names = (steps: readonly StepDefinition[]) => steps.map((step) => step.name);

/** Runs the plan to the end, as the queue handler will: each step once, branch outcomes recorded as expansions. */
function walk(start: { completed: string[]; expansions: Record<string, readonly StepDefinition[]> }, choose: (branch: string) => readonly StepDefinition[]): string[] {
  const completed = new Set(start.completed);
  const expansions: Record<string, readonly StepDefinition[]> = { ...start.expansions };
  const executed: string[] = [];
  for (let step = nextStep(route, completed, expansions); step !== undefined; step = nextStep(route, completed, expansions)) {
    executed.push(step.name);
    if (step.kind === 'branch') expansions[step.name] = choose(step.name);
    completed.add(step.name);
  }
  return executed;
}

describe('planRun and nextStep', () => {
  it('plans only the route steps before any branch has run', () => {
    expect(names(planRun(route, {}))).toEqual(['triage', 'decide', 'emit']);
  });

  it('splices chosen steps right after their branch, recursively', () => {
    const expansions: BranchExpansions = { decide: chosen, inner: [t('deep')] };
    expect(names(planRun(route, expansions))).toEqual(['triage', 'decide', 'page', 'inner', 'deep', 'emit']);
  });

  it('splices nothing for a branch that chose no steps', () => {
    expect(names(planRun(route, { decide: [] }))).toEqual(['triage', 'decide', 'emit']);
  });

  it('runs every step once, in plan order', () => {
    expect(walk({ completed: [], expansions: {} }, (branch) => (branch === 'decide' ? chosen : [t('deep')]))).toEqual(['triage', 'decide', 'page', 'inner', 'deep', 'emit']);
    expect(walk({ completed: [], expansions: {} }, () => [t('log')])).toEqual(['triage', 'decide', 'log', 'emit']);
  });

  it('resumes after a crash without re-running committed steps', () => {
    const resumed = walk({ completed: ['triage', 'decide', 'page'], expansions: { decide: chosen } }, () => [t('deep')]);
    expect(resumed).toEqual(['inner', 'deep', 'emit']);
  });

  it('re-runs a branch marked completed whose expansion was never recorded', () => {
    expect(nextStep(route, new Set(['triage', 'decide']), {})?.name).toBe('decide');
  });

  it('is done when every planned step is completed', () => {
    expect(nextStep(route, new Set(['triage', 'decide', 'log', 'emit']), { decide: [t('log')] })).toBeUndefined();
  });
});
