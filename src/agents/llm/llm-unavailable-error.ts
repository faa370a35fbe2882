/** Why an LLM answer could not be used; the fallback reports it alongside the deterministic output. */
export const llmUnavailableReasons = ['not_configured', 'timeout', 'breaker_open', 'http_error', 'invalid_output'] as const;
export type LlmUnavailableReason = (typeof llmUnavailableReasons)[number];

/**
 * The one error `LlmClient.completeJson` rejects with. `cause` keeps the SDK or cockatiel error
 * (an `APICallError` with the status and body, a `NoObjectGeneratedError` with the model's text…).
 */
export class LlmUnavailableError extends Error {
  override readonly name = 'LlmUnavailableError';

  constructor(
    readonly reason: LlmUnavailableReason,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`LLM unavailable (${reason}): ${message}`, options);
  }
}
