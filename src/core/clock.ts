/** The one source of time. Logic takes a Clock (or a `nowMs` value) instead of calling Date.now(), so tests can pin it. */
export interface Clock {
  nowMs(): number;
}

export const systemClock: Clock = { nowMs: () => Date.now() };
