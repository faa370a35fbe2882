/** Normalises anything thrown into an Error, keeping the original as `cause` (wrap, never swallow). */
export function coerceError(thrown: unknown): Error {
  if (thrown instanceof Error) return thrown;
  return new Error(typeof thrown === 'string' ? thrown : 'Non-error value thrown', { cause: thrown });
}
