import { Type, type Static, type TSchema } from 'typebox';

/**
 * A route: which events it matches and the ordered steps a run of it executes. The same shape is
 * declared in the config file (`routes:`) and managed through `/api/v1/routes`. Every string
 * described as "JSONata" is an expression evaluated over `{event, steps, run}` (step inputs) or
 * over the event envelope (`match.filter`).
 */

/** JSONata expressions for a step's named inputs, e.g. `{ "alert": "event.data", "urgency": "steps.triage.level" }`. */
const Inputs = Type.Record(Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_]*$' }), Type.String({ minLength: 1 }));

/** Per-step retry settings; unset fields take the defaults of the queue's retry policy. */
export const StepRetry = Type.Object(
  {
    max_attempts: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
    base_delay_ms: Type.Optional(Type.Integer({ minimum: 0 })),
    max_delay_ms: Type.Optional(Type.Integer({ minimum: 0 })),
  },
  { additionalProperties: false },
);

const StepName = Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_-]{0,63}$', description: 'Unique within the route; later steps read this step\'s output as steps.<name>.' });

export const AgentStep = Type.Object(
  { name: StepName, kind: Type.Literal('agent'), agent: Type.String({ minLength: 1 }), with: Type.Optional(Inputs), retry: Type.Optional(StepRetry) },
  { additionalProperties: false },
);
export const ActionStep = Type.Object(
  { name: StepName, kind: Type.Literal('action'), action: Type.String({ minLength: 1 }), with: Type.Optional(Inputs), retry: Type.Optional(StepRetry) },
  { additionalProperties: false },
);
export const TransformStep = Type.Object(
  { name: StepName, kind: Type.Literal('transform'), expression: Type.String({ minLength: 1, description: 'JSONata producing the step output.' }) },
  { additionalProperties: false },
);
export const NotifyStep = Type.Object(
  {
    name: StepName,
    kind: Type.Literal('notify'),
    /** JSONata giving a user id or an array of user ids. */
    to: Type.String({ minLength: 1 }),
    subject: Type.Optional(Type.String({ description: 'JSONata' })),
    body: Type.String({ minLength: 1, description: 'JSONata' }),
    data: Type.Optional(Type.String({ description: 'JSONata' })),
    channels: Type.Optional(Type.Array(Type.String({ minLength: 1 }))),
    strategy: Type.Optional(Type.Union([Type.Literal('all'), Type.Literal('first_success')])),
  },
  { additionalProperties: false },
);
export const EmitStep = Type.Object(
  {
    name: StepName,
    kind: Type.Literal('emit'),
    type: Type.String({ minLength: 1, description: 'The new event\'s type (a literal string).' }),
    data: Type.String({ minLength: 1, description: 'JSONata producing the new event\'s data.' }),
    subject: Type.Optional(Type.String({ description: 'JSONata' })),
  },
  { additionalProperties: false },
);

/** Steps nest through `branch`, so the step schema is recursive. */
export const StepDefinition = Type.Cyclic(
  {
    Step: Type.Union([
      AgentStep,
      ActionStep,
      TransformStep,
      NotifyStep,
      EmitStep,
      Type.Object(
        {
          name: StepName,
          kind: Type.Literal('branch'),
          /** The first case whose JSONata `when` is truthy runs its steps; else `otherwise`. */
          cases: Type.Array(Type.Object({ when: Type.String({ minLength: 1 }), steps: Type.Array(Type.Ref('Step')) }, { additionalProperties: false }), { minItems: 1 }),
          otherwise: Type.Optional(Type.Array(Type.Ref('Step'))),
        },
        { additionalProperties: false },
      ),
    ]),
  },
  'Step',
);

export const RouteDefinition = Type.Object(
  {
    id: Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$' }),
    description: Type.Optional(Type.String({ maxLength: 1000 })),
    match: Type.Object(
      {
        source: Type.Optional(Type.String({ minLength: 1, description: 'Endpoint id or glob (`*` matches any run of characters).' })),
        type: Type.Optional(Type.String({ minLength: 1, description: 'Event type glob.' })),
        filter: Type.Optional(Type.String({ minLength: 1, description: 'JSONata over the event envelope; the route matches when it is truthy.' })),
      },
      { additionalProperties: false },
    ),
    steps: Type.Array(StepDefinition, { minItems: 1 }),
    respond: Type.Optional(
      Type.Union([
        Type.Object({ mode: Type.Literal('async') }, { additionalProperties: false }),
        Type.Object(
          {
            mode: Type.Literal('sync'),
            timeout_ms: Type.Optional(Type.Integer({ minimum: 1, maximum: 120_000, default: 10_000 })),
            status: Type.Optional(Type.Integer({ minimum: 200, maximum: 299, default: 200 })),
            /** A JSON template: string values that start with `=` are JSONata over `{event, steps, run}`. */
            response: Type.Optional(Type.Unknown()),
            /**
             * The answer while the run is not done: given as soon as a step waits for a retry, or when
             * `timeout_ms` passes. Rendered over the steps finished so far; the run goes on. Without it,
             * such a request gets 202 with the run's id and status.
             */
            pending: Type.Optional(
              Type.Object(
                {
                  status: Type.Optional(Type.Integer({ minimum: 200, maximum: 299, default: 202 })),
                  response: Type.Unknown(),
                },
                { additionalProperties: false },
              ),
            ),
          },
          { additionalProperties: false },
        ),
      ]),
    ),
    enabled: Type.Optional(Type.Boolean({ default: true })),
  },
  { additionalProperties: false },
);

export type StepDefinition = Static<typeof StepDefinition>;
export type RouteDefinition = Static<typeof RouteDefinition>;

/** Narrowing helper for code that switches on step kinds with a `never` check. */
export type StepKind = StepDefinition['kind'];

/** Keeps the schema objects typed as TypeBox schemas for consumers that need TSchema. */
export const routeSchemas: Readonly<Record<'RouteDefinition' | 'StepDefinition', TSchema>> = { RouteDefinition, StepDefinition };

/** Every step kind, in the order docs/routes.md lists them. */
export const stepKinds = ['agent', 'action', 'transform', 'notify', 'emit', 'branch'] as const satisfies readonly StepKind[];

/**
 * A branch step with its nested step lists left unchecked: validation checks this shell, then each
 * nested step on its own, so an error names the nested step instead of the whole union failing.
 */
export const BranchStepShell = Type.Object(
  {
    name: StepName,
    kind: Type.Literal('branch'),
    cases: Type.Array(Type.Object({ when: Type.String({ minLength: 1 }), steps: Type.Array(Type.Unknown()) }, { additionalProperties: false }), { minItems: 1 }),
    otherwise: Type.Optional(Type.Array(Type.Unknown())),
  },
  { additionalProperties: false },
);

/** One schema per step kind (branches as their shell); a kind without a schema fails to compile. */
export const stepSchemasByKind: Readonly<Record<StepKind, TSchema>> = {
  agent: AgentStep,
  action: ActionStep,
  transform: TransformStep,
  notify: NotifyStep,
  emit: EmitStep,
  branch: BranchStepShell,
};
