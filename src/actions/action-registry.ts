import type { TSchema } from 'typebox';
import type { AnyAction } from './action.js';

/** One action as a listing shows it. */
export interface ActionListing {
  readonly name: string;
  readonly description: string;
  readonly input_schema: TSchema;
}

export interface ActionRegistry {
  /** The action registered under `name`, or undefined. */
  getAction(name: string): AnyAction | undefined;
  /** Every action, in registration order. */
  listActions(): ActionListing[];
}

/**
 * A registry of `actions`. It is open: the built-in actions arrive with a later issue, and a route
 * naming an action that is not registered is rejected at validation. A duplicate name is a bug and throws.
 */
export function createActionRegistry(actions: readonly AnyAction[] = []): ActionRegistry {
  const byName = new Map<string, AnyAction>();
  for (const action of actions) {
    if (byName.has(action.name)) throw new Error(`action "${action.name}" is registered twice`);
    byName.set(action.name, action);
  }
  return {
    getAction: (name) => byName.get(name),
    listActions: () => [...byName.values()].map((action) => ({ name: action.name, description: action.description, input_schema: action.inputSchema })),
  };
}

/** The built-in actions: none yet. */
export const actionRegistry: ActionRegistry = createActionRegistry();
