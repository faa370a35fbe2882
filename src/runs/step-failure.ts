/**
 * Every code a step can fail with, and whether a retry can help. Retrying a deterministic failure
 * (a broken expression, input that does not fit) only burns attempts, so those go straight to dead
 * letters; docs/runs.md lists the same table.
 */
export const stepFailureCodes = {
  expression_invalid: { retryable: false, meaning: 'a JSONata expression of the step does not compile' },
  expression_failed: { retryable: false, meaning: 'a JSONata expression failed while evaluating (type error, nesting too deep, non-JSON result)' },
  expression_timeout: { retryable: false, meaning: 'a JSONata expression ran past its time limit' },
  input_invalid: { retryable: false, meaning: "the evaluated inputs do not fit the agent's or action's input schema, or notify's `to` is not user ids" },
  output_invalid: { retryable: false, meaning: "the agent's or action's output does not fit its output schema" },
  unknown_agent: { retryable: false, meaning: 'no agent is registered under the step\'s `agent` name' },
  unknown_action: { retryable: false, meaning: 'no action is registered under the step\'s `action` name' },
  step_error: { retryable: true, meaning: 'the agent or action threw; retryable unless the error says `retryable: false`' },
} as const satisfies Readonly<Record<string, { readonly retryable: boolean; readonly meaning: string }>>;

export type StepFailureCode = keyof typeof stepFailureCodes;

/** A failed step attempt, as a value. `retryAfterMs` asks the queue to wait at least that long before the next attempt. */
export interface StepFailure {
  readonly code: StepFailureCode;
  readonly message: string;
  readonly retryable: boolean;
  readonly retryAfterMs?: number;
}

/** A failure with the code's default retryability. */
export function stepFailure(code: StepFailureCode, message: string): StepFailure {
  return { code, message, retryable: stepFailureCodes[code].retryable };
}
