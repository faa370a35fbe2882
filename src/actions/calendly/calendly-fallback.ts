import { Type, type Static } from 'typebox';
import { ServiceError } from '../service-client/service-error.js';

/**
 * Why a scheduling link is the fallback one. Each is an outcome, not an error (seed 003's graceful
 * degradation: a lead always gets a link):
 * - `not_configured`: no token for the user and no default `actions.calendly.access_token`;
 * - `token_rejected` (401) and `permission_denied` (403): the token is invalid, expired or lacks
 *   the scope; the user must reconnect Calendly, so retrying would not help;
 * - `event_type_not_found` (404, or no active event type with that name) and `no_event_type`;
 * - `rate_limited` (429), `circuit_open`, `unavailable` (5xx, 408, timeouts, connection errors):
 *   Calendly is struggling; `retry_after` says when to try again (its Retry-After, else when the breaker lets a call through);
 * - `request_rejected` (another 4xx) and `invalid_response` (a 2xx that is not Calendly's shape).
 */
export const CalendlyFallbackReasonSchema = Type.Union([
  Type.Literal('not_configured'),
  Type.Literal('token_rejected'),
  Type.Literal('permission_denied'),
  Type.Literal('event_type_not_found'),
  Type.Literal('no_event_type'),
  Type.Literal('rate_limited'),
  Type.Literal('circuit_open'),
  Type.Literal('unavailable'),
  Type.Literal('request_rejected'),
  Type.Literal('invalid_response'),
]);
export type CalendlyFallbackReason = Static<typeof CalendlyFallbackReasonSchema>;

export interface CalendlyDegradation {
  readonly reason: CalendlyFallbackReason;
  readonly message: string;
  readonly retryAfterMs?: number | undefined;
}

/** Reasons that point at a bug or a contract change on one side rather than at Calendly's health or the user's setup: logged as errors. */
export const unexpectedFallbackReasons: ReadonlySet<CalendlyFallbackReason> = new Set(['request_rejected', 'invalid_response']);

const byStatus: Readonly<Record<number, CalendlyFallbackReason>> = { 401: 'token_rejected', 403: 'permission_denied', 404: 'event_type_not_found', 429: 'rate_limited' };

/**
 * The fallback a failed Calendly call degrades to, or undefined when the failure must propagate:
 * anything that is not a `ServiceError` (a bug in Switchboard), and `aborted` (the run itself is
 * being stopped, so no link is wanted).
 */
export function calendlyDegradation(thrown: unknown): CalendlyDegradation | undefined {
  if (!(thrown instanceof ServiceError) || thrown.code === 'aborted') return undefined;
  const of = (reason: CalendlyFallbackReason): CalendlyDegradation => ({ reason, message: thrown.message, retryAfterMs: thrown.retryAfterMs });
  if (thrown.code === 'circuit_open') return of('circuit_open');
  if (thrown.code === 'not_configured' || thrown.code === 'address_not_allowed') return of('not_configured');
  if (thrown.code === 'invalid_response') return of('invalid_response');
  const statusReason = thrown.statusCode === undefined ? undefined : byStatus[thrown.statusCode];
  if (statusReason !== undefined) return of(statusReason);
  return of(thrown.retryable ? 'unavailable' : 'request_rejected');
}
