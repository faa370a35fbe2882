import type { Logger } from 'pino';
import type { TSchema } from 'typebox';
import type { Clock } from '../core/clock.js';

/** What a run gives every action step. External effects come in here so tests can pin them. */
export interface ActionContext {
  readonly clock: Clock;
  readonly logger: Logger;
  /** Stable across retries of the same step (run id + step name); pass it on to the external system. */
  readonly idempotencyKey: string;
}

/**
 * An action: a named call to an external system. `run` receives input that already fits
 * `inputSchema`; it throws only for bugs, broken config and failures the retry policy should see.
 */
export interface Action<I, O> {
  readonly name: string;
  readonly description: string;
  readonly inputSchema: TSchema;
  /** When set, the output is checked against it (a mismatch is a non-retryable output_invalid). */
  readonly outputSchema?: TSchema | undefined;
  // Method syntax on purpose: it keeps `Action<SomeInput, …>` assignable to `AnyAction`.
  run(ctx: ActionContext, input: I): Promise<O>;
}

/** An action of any input and output, as the registry and the run engine hold them. */
export type AnyAction = Action<unknown, unknown>;
