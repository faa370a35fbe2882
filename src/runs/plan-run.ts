import type { StepDefinition } from '../routing/route-definition.js';

/** The steps each completed branch chose (its `branch` outcome), keyed by the branch step's name. */
export type BranchExpansions = Readonly<Record<string, readonly StepDefinition[]>>;

/**
 * A run's plan: the route's steps in order, with the steps each completed branch chose spliced in
 * right after it (recursively, so a chosen step may itself be a branch). A branch not yet completed
 * contributes only itself: what follows it is unknown until it runs. Pass the steps the run was
 * started with, so editing the route does not reshuffle a run in flight.
 */
export function planRun(routeSteps: readonly StepDefinition[], expansions: BranchExpansions): StepDefinition[] {
  const plan: StepDefinition[] = [];
  const visit = (steps: readonly StepDefinition[]): void => {
    for (const step of steps) {
      plan.push(step);
      if (step.kind !== 'branch') continue;
      const chosen = Object.hasOwn(expansions, step.name) ? expansions[step.name] : undefined;
      if (chosen !== undefined) visit(chosen);
    }
  };
  visit(routeSteps);
  return plan;
}

/**
 * The next step a run should execute: the first step of its plan whose outcome is not committed, or
 * undefined when the run is done. After a crash the same call picks up where the run stopped, so a
 * committed step never runs again. A branch counts as completed only with its expansion recorded.
 */
export function nextStep(routeSteps: readonly StepDefinition[], completed: ReadonlySet<string>, expansions: BranchExpansions): StepDefinition | undefined {
  return planRun(routeSteps, expansions).find((step) => !completed.has(step.name) || (step.kind === 'branch' && !Object.hasOwn(expansions, step.name)));
}
