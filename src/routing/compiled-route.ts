import type { RouteDefinition } from './route-definition.js';

export type CompiledRespond =
  | { readonly mode: 'async' }
  /** `response`: the template as declared; src/runs/render-response-template.ts renders it. */
  | {
      readonly mode: 'sync';
      readonly timeoutMs: number;
      readonly status: number;
      readonly response: unknown;
      /** The answer while the run is not done (a step waits for a retry, or the timeout passed). */
      readonly pending: { readonly status: number; readonly response: unknown } | undefined;
    };

/**
 * A validated route with its defaults applied, ready to match and run. Expressions stay text: they
 * were checked (syntax and step references) by validateRoute, and everything that evaluates them —
 * the match filter, step inputs, response templates — goes through runs/evaluate-expression, which
 * compiles each text once and applies the evaluation time limit. `definition` is what was declared.
 */
export interface CompiledRoute {
  readonly id: string;
  readonly definition: RouteDefinition;
  readonly enabled: boolean;
  readonly match: { readonly source: string | undefined; readonly type: string | undefined; readonly filter: string | undefined };
  readonly respond: CompiledRespond;
}
