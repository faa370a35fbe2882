import type { EventEnvelope } from '../core/event-envelope.js';

/** The run a step belongs to, as expressions see it (`run.id`, `run.route_id`, `run.attempt`). */
export interface RunInfo {
  readonly id: string;
  readonly route_id: string;
  /** 1-based attempt of the step being executed. */
  readonly attempt: number;
  /** In a `respond.pending` template only: the run's status, and the step waiting for a retry, if any. */
  readonly status?: string;
  readonly waiting_for?: string;
}

/**
 * What every JSONata expression of a run is evaluated over: the event that started the run (its
 * CloudEvents JSON envelope), the outputs of the steps completed so far keyed by step name, and the run.
 */
export interface StepScope {
  readonly event: EventEnvelope;
  readonly steps: Readonly<Record<string, unknown>>;
  readonly run: RunInfo;
}

/** The scope after `stepName` completed with `output`; the input scope is not changed. */
export function withStepOutput(scope: StepScope, stepName: string, output: unknown): StepScope {
  return { ...scope, steps: { ...scope.steps, [stepName]: output } };
}
