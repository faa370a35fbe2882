/**
 * The wait before the next attempt after `failedAttempts` attempts of the current budget failed:
 * `retry_delay_seconds` doubled for each earlier failure, capped at `maxDelayMs`, with equal jitter
 * (between half and all of it) so retries of many deliveries spread out without ever coming early
 * by more than half. `random` returns [0, 1).
 */
export function deliveryRetryDelayMs(args: { readonly failedAttempts: number; readonly retryDelaySeconds: number; readonly maxDelayMs: number }, random: () => number): number {
  const ceiling = Math.min(args.maxDelayMs, args.retryDelaySeconds * 1000 * 2 ** Math.max(0, args.failedAttempts - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
