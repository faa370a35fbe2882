import type { Logger } from 'pino';
import type { TSchema } from 'typebox';
import type { Clock } from '../core/clock.js';

/** What a run gives an action: external effects come in here, and the key to pass on to the remote system. */
export interface ActionContext {
  readonly clock: Clock;
  readonly logger: Logger;
  /** Stable across retries of the same step (run id + step name). */
  readonly idempotencyKey: string;
}

/**
 * The run engine's view of an action (a call to an external system). The action registry proper is
 * written elsewhere; any registry whose entries have this shape plugs in. `run` throws to fail:
 * an error with `retryable: false` goes straight to dead letters, one with `retryAfterMs` asks for
 * that delay before the next attempt.
 */
export interface RunnableAction {
  readonly name: string;
  readonly inputSchema: TSchema;
  /** When set, the output is checked against it like an agent's. */
  readonly outputSchema?: TSchema;
  run(ctx: ActionContext, input: unknown): Promise<unknown>;
}

export interface ActionLookup {
  /** The action registered under `name`, or undefined. */
  getAction(name: string): RunnableAction | undefined;
}

/** A lookup with no actions, for runs of routes that call none. */
export const noActions: ActionLookup = { getAction: () => undefined };
