import type { SendFailure } from './send-failure.js';

/** The signal one request of an attempt runs under: the caller's signal and the channel's own time limit. */
export interface AttemptSignal {
  readonly signal: AbortSignal;
  /**
   * The failure an aborted request is: `timeout` when the channel's limit ran out, `aborted`
   * when the caller stopped the attempt (shutdown, lost claim). Undefined while neither happened.
   */
  abortFailure(): SendFailure | undefined;
}

/** Starts the clock of one request: `AbortSignal.any([parent, AbortSignal.timeout(timeoutMs)])`. */
export function attemptSignal(parent: AbortSignal, timeoutMs: number): AttemptSignal {
  const timeout = AbortSignal.timeout(timeoutMs);
  return {
    signal: AbortSignal.any([parent, timeout]),
    abortFailure() {
      // The caller's abort wins when both happened: the attempt was stopped, not slow.
      if (parent.aborted) return { kind: 'failed', retryable: true, code: 'aborted', message: 'the attempt was aborted before an answer arrived' };
      if (timeout.aborted) return { kind: 'failed', retryable: true, code: 'timeout', message: `no answer within ${timeoutMs} ms` };
      return undefined;
    },
  };
}
