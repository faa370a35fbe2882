/** An error the run engine does not retry (`retryable: false`): the step's input can never succeed. */
export function permanentError(message: string): Error & { readonly retryable: false } {
  return Object.assign(new Error(message), { retryable: false as const });
}
