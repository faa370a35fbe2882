import { BrokenCircuitError, CircuitState, ConsecutiveBreaker, circuitBreaker, handleWhen, IsolatedCircuitError } from 'cockatiel';
import type { Clock } from '../../core/clock.js';
import { ServiceError } from './service-error.js';

/** A service's breaker state, for health output and tests. */
export type ServiceBreakerState = 'closed' | 'open' | 'half_open';

/** One service's circuit breaker. */
export interface ServiceBreaker {
  /**
   * Runs `call` unless the breaker is open, when it throws a retryable `circuit_open`
   * `ServiceError` at once whose `retryAfterMs` is the time left until a trial call may go through.
   */
  execute<T>(call: () => Promise<T>): Promise<T>;
  state(): ServiceBreakerState;
}

export interface ServiceBreakerOptions {
  /** The service's name, for the `circuit_open` error. */
  readonly service: string;
  /** Consecutive counted failures that open the breaker. */
  readonly failureThreshold: number;
  /** How long it stays open before one trial call goes through (half-open). */
  readonly halfOpenAfterMs: number;
  readonly clock: Clock;
}

/**
 * A retryable failure says the service is struggling; a permanent one (a 4xx, an invalid answer)
 * or our own abort says nothing about its health, so only the former counts. A counted failure in
 * the half-open trial opens the breaker again; any other outcome of the trial closes it.
 */
function countsAgainstService(error: unknown): boolean {
  return error instanceof ServiceError && error.retryable && error.code !== 'aborted';
}

/**
 * A cockatiel consecutive-failure breaker around one service. While a half-open trial is in
 * flight, other calls wait for its outcome (cockatiel's behaviour) instead of failing.
 */
export function createServiceBreaker(options: ServiceBreakerOptions): ServiceBreaker {
  const policy = circuitBreaker(handleWhen(countsAgainstService), {
    halfOpenAfter: options.halfOpenAfterMs,
    breaker: new ConsecutiveBreaker(options.failureThreshold),
  });
  // cockatiel reads Date.now() for the half-open delay; the wait reported to callers comes from our clock.
  let openedAtMs = 0;
  policy.onBreak(() => {
    openedAtMs = options.clock.nowMs();
  });

  return {
    async execute(call) {
      try {
        return await policy.execute(call);
      } catch (error) {
        if (!(error instanceof BrokenCircuitError) && !(error instanceof IsolatedCircuitError)) throw error;
        const retryAfterMs = Math.max(0, openedAtMs + options.halfOpenAfterMs - options.clock.nowMs());
        throw new ServiceError(
          { service: options.service, code: 'circuit_open', retryable: true, retryAfterMs, message: `circuit breaker open after ${options.failureThreshold} consecutive failures; next trial in ${retryAfterMs} ms` },
          { cause: error },
        );
      }
    },
    state() {
      switch (policy.state) {
        case CircuitState.Closed:
          return 'closed';
        case CircuitState.HalfOpen:
          return 'half_open';
        default:
          return 'open';
      }
    },
  };
}
