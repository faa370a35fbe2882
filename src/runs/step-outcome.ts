import type { StepDefinition } from '../routing/route-definition.js';
import type { StepFailure } from './step-failure.js';

/** A new event a step asks the log to append (routes can chain on it). */
export interface EmitRequest {
  readonly type: string;
  readonly data: unknown;
  readonly subject?: string;
}

/** A delivery request for users, recorded in the notification outbox; the dispatcher sends it. */
export interface NotifyRequest {
  readonly user_ids: readonly string[];
  readonly subject?: string;
  readonly body: string;
  readonly data?: unknown;
  readonly channels?: readonly string[];
  readonly strategy: 'all' | 'first_success';
}

/**
 * What one step attempt came to, as a value. `output` is stored under the step's name; `branch`
 * carries the steps to splice in after the branch step (possibly none); `emit` and `notify` are
 * requests the caller commits together with the step's completion; `failed` goes to the retry policy.
 */
export type StepOutcome =
  /** `input`: an agent's or action's evaluated `with` inputs, recorded with the step. */
  | { readonly kind: 'output'; readonly output: unknown; readonly input?: unknown }
  | { readonly kind: 'branch'; readonly steps: readonly StepDefinition[] }
  | { readonly kind: 'emit'; readonly event: EmitRequest }
  | { readonly kind: 'notify'; readonly request: NotifyRequest }
  | { readonly kind: 'failed'; readonly error: StepFailure; readonly input?: unknown };
