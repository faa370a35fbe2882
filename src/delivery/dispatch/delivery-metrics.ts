/** What the dispatcher reports for metrics; main wires it to prom-client (domain code does not import the HTTP layer). */
export interface DeliveryMetrics {
  /** One attempt: `sent`, `failed` (retryable or not) or `held` (breaker open), and how long the channel took. */
  recordAttempt(channel: string, outcome: 'sent' | 'failed' | 'held', seconds: number): void;
  /** A delivery reached SUCCESS, FAILED or EXPIRED. */
  recordFinal(channel: string, status: 'SUCCESS' | 'FAILED' | 'EXPIRED'): void;
}

export const noDeliveryMetrics: DeliveryMetrics = { recordAttempt: () => {}, recordFinal: () => {} };
