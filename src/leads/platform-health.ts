/**
 * The last health check of a connection, as stored (JSON) and shown: what the platform's check
 * answered (`configured`, `healthy`, `message`, and e.g. the Calendly user or WhatsApp number),
 * whose token it used, and when.
 */
export interface PlatformHealth {
  readonly configured: boolean;
  readonly healthy: boolean;
  readonly message: string;
  /** `user`: the connection's own access_token; `default`: the operator's (actions.<platform>.access_token); `none`. */
  readonly token_source: 'user' | 'default' | 'none';
  /** ISO 8601. */
  readonly checked_at: string;
  readonly [detail: string]: unknown;
}

/** What a connection's status is after a check: seed 003's `connected`, `error` (set up but failing) or `not_configured`. */
export type PlatformStatus = 'connected' | 'error' | 'not_configured';

export function statusFromHealth(health: Pick<PlatformHealth, 'configured' | 'healthy'>): PlatformStatus {
  if (health.healthy) return 'connected';
  return health.configured ? 'error' : 'not_configured';
}
