import type jsonata from 'jsonata';
import type { RouteDefinition, StepDefinition } from './route-definition.js';

/** A compiled JSONata expression; compiled once at validation, never again on match or execution. */
export type CompiledExpression = jsonata.Expression;

/** A sync response template: `=`-prefixed strings became expressions, everything else is kept as given. */
export type CompiledTemplate =
  | { readonly kind: 'literal'; readonly value: unknown }
  | { readonly kind: 'expression'; readonly expression: CompiledExpression }
  | { readonly kind: 'array'; readonly items: readonly CompiledTemplate[] }
  | { readonly kind: 'object'; readonly entries: ReadonlyArray<readonly [string, CompiledTemplate]> };

type Of<K extends StepDefinition['kind']> = Extract<StepDefinition, { kind: K }>;

interface StepBase<K extends StepDefinition['kind']> {
  readonly kind: K;
  readonly name: string;
  readonly definition: Of<K>;
}

/** A step with its JSONata compiled. Every expression is evaluated over `{event, steps, run}`. */
export type CompiledStep =
  | (StepBase<'agent'> & { readonly agent: string; readonly inputs: Readonly<Record<string, CompiledExpression>> })
  | (StepBase<'action'> & { readonly action: string; readonly inputs: Readonly<Record<string, CompiledExpression>> })
  | (StepBase<'transform'> & { readonly expression: CompiledExpression })
  | (StepBase<'notify'> & {
      readonly to: CompiledExpression;
      readonly subject: CompiledExpression | undefined;
      readonly body: CompiledExpression;
      readonly data: CompiledExpression | undefined;
    })
  | (StepBase<'emit'> & { readonly type: string; readonly data: CompiledExpression; readonly subject: CompiledExpression | undefined })
  | (StepBase<'branch'> & {
      readonly cases: ReadonlyArray<{ readonly when: CompiledExpression; readonly steps: readonly CompiledStep[] }>;
      readonly otherwise: readonly CompiledStep[];
    });

export type CompiledRespond =
  | { readonly mode: 'async' }
  | { readonly mode: 'sync'; readonly timeoutMs: number; readonly status: number; readonly response: CompiledTemplate | undefined };

/** A validated route, ready to match and run. `definition` is what was declared, as stored. */
export interface CompiledRoute {
  readonly id: string;
  readonly definition: RouteDefinition;
  readonly enabled: boolean;
  readonly match: { readonly source: string | undefined; readonly type: string | undefined; readonly filter: CompiledExpression | undefined };
  readonly steps: readonly CompiledStep[];
  readonly respond: CompiledRespond;
}
