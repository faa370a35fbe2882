import { BrokenCircuitError, CircuitState, ConsecutiveBreaker, IsolatedCircuitError, circuitBreaker, handleWhenResult, type CircuitBreakerPolicy } from 'cockatiel';
import type { Clock } from '../../core/clock.js';
import type { SendOutcome } from '../channels/channel.js';

/** The result of sending through a destination's breaker: the channel's outcome, or `held` when the breaker let nothing through. */
export type GuardedOutcome = SendOutcome | { readonly kind: 'held'; readonly retryAtMs: number };

interface Entry {
  readonly policy: CircuitBreakerPolicy;
  openedAtMs: number;
}

/** A retryable failure says the destination is struggling; `aborted` (our own shutdown or lost claim) says nothing about it. */
function countsAgainstDestination(outcome: SendOutcome): boolean {
  return outcome.kind === 'failed' && outcome.retryable && outcome.code !== 'aborted';
}

/**
 * One cockatiel circuit breaker per destination key (a webhook origin, the Slack API, the SMTP
 * server, a Twilio account). Retryable failures count towards opening it; permanent ones (a
 * receiver's 4xx, an invalid address) say nothing about the destination's health and do not. While
 * a breaker is open, sends are held until it half-opens, when one trial goes through. Breakers are
 * per process; the map keeps at most `maxDestinations` keys, dropping the oldest closed ones.
 */
export class DestinationBreakers {
  readonly #entries = new Map<string, Entry>();
  readonly #failureThreshold: number;
  readonly #halfOpenAfterMs: number;
  readonly #maxDestinations: number;
  readonly #clock: Clock;

  constructor(options: { readonly failureThreshold: number; readonly halfOpenAfterMs: number; readonly clock: Clock; readonly maxDestinations?: number }) {
    this.#failureThreshold = options.failureThreshold;
    this.#halfOpenAfterMs = options.halfOpenAfterMs;
    this.#clock = options.clock;
    this.#maxDestinations = options.maxDestinations ?? 10_000;
  }

  /** When an open breaker lets the next trial through, or undefined when `key` is not open. */
  heldUntil(key: string): number | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    const state = entry.policy.state;
    if (state !== CircuitState.Open && state !== CircuitState.Isolated) return undefined;
    return entry.openedAtMs + this.#halfOpenAfterMs;
  }

  /** Breakers that are not closed, for health and metrics. */
  openDestinations(): Array<{ readonly key: string; readonly state: 'open' | 'half_open'; readonly retry_at_ms: number }> {
    const open: Array<{ key: string; state: 'open' | 'half_open'; retry_at_ms: number }> = [];
    for (const [key, entry] of this.#entries) {
      const state = entry.policy.state;
      if (state === CircuitState.Closed) continue;
      open.push({ key, state: state === CircuitState.HalfOpen ? 'half_open' : 'open', retry_at_ms: entry.openedAtMs + this.#halfOpenAfterMs });
    }
    return open;
  }

  /** Runs `send` through the breaker of `key`; `held` when the breaker is open or a half-open trial is already running. */
  async execute(key: string, send: () => Promise<SendOutcome>): Promise<GuardedOutcome> {
    const entry = this.#entry(key);
    try {
      return await entry.policy.execute(send);
    } catch (error) {
      if (error instanceof BrokenCircuitError || error instanceof IsolatedCircuitError) {
        return { kind: 'held', retryAtMs: Math.max(this.#clock.nowMs(), entry.openedAtMs + this.#halfOpenAfterMs) };
      }
      throw error;
    }
  }

  #entry(key: string): Entry {
    const existing = this.#entries.get(key);
    if (existing !== undefined) return existing;
    if (this.#entries.size >= this.#maxDestinations) this.#evictClosed();
    const policy = circuitBreaker(
      handleWhenResult((result) => countsAgainstDestination(result as SendOutcome)),
      { halfOpenAfter: this.#halfOpenAfterMs, breaker: new ConsecutiveBreaker(this.#failureThreshold) },
    );
    const entry: Entry = { policy, openedAtMs: 0 };
    // cockatiel reads Date.now() for the half-open delay; the hold time shown to users comes from our clock.
    policy.onBreak(() => {
      entry.openedAtMs = this.#clock.nowMs();
    });
    this.#entries.set(key, entry);
    return entry;
  }

  #evictClosed(): void {
    for (const [key, entry] of this.#entries) {
      if (entry.policy.state === CircuitState.Closed) this.#entries.delete(key);
      if (this.#entries.size < this.#maxDestinations * 0.9) return;
    }
  }
}
