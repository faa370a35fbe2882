import { verificationFailure } from './verification-failure.js';
import type { VerificationResult } from './verification-scheme.js';

/** Refuses a timestamp more than `toleranceSeconds` before or after `nowMs`; undefined when it is inside. */
export function checkTimestampWindow(
  timestampSeconds: number,
  nowMs: number,
  toleranceSeconds: number,
  label: string,
): VerificationResult | undefined {
  const skewSeconds = nowMs / 1000 - timestampSeconds;
  if (Math.abs(skewSeconds) <= toleranceSeconds) return undefined;
  const direction = skewSeconds > 0 ? 'old' : 'in the future';
  return verificationFailure(
    'timestamp_out_of_window',
    `${label} is ${Math.round(Math.abs(skewSeconds))} s ${direction}; the tolerance is ${toleranceSeconds} s`,
  );
}
