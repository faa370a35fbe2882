/**
 * Why a call to an external service failed:
 * - `http_<status>`: the service answered a non-2xx status (redirects are never followed);
 * - `timeout`: no complete answer within the service's `timeout_ms`;
 * - `connection_failed`: refused, reset, DNS failure… nothing was answered;
 * - `aborted`: the caller's signal stopped the call;
 * - `request_failed`: the HTTP client threw something else before an answer;
 * - `address_not_allowed`: an outbound guard refused the host (only with such a dispatcher);
 * - `circuit_open`: the service's breaker is open after repeated failures; nothing was sent;
 * - `not_configured`: a setting the call needs is missing; nothing was sent;
 * - `invalid_response`: a 2xx answer that is not the JSON the caller expects.
 */
export type ServiceErrorCode =
  | `http_${number}`
  | 'timeout'
  | 'connection_failed'
  | 'aborted'
  | 'request_failed'
  | 'address_not_allowed'
  | 'circuit_open'
  | 'not_configured'
  | 'invalid_response';

/** What a `ServiceError` is made from. */
export interface ServiceErrorFields {
  /** The service's name (`slotify`, `chainsync`…): it starts the message. */
  readonly service: string;
  readonly code: ServiceErrorCode;
  /** Without the service name; it must not contain credentials (callers redact what the service echoed). */
  readonly message: string;
  /** true: a later attempt may succeed (408, 429, 5xx, timeouts, connection errors, an open breaker). */
  readonly retryable: boolean;
  readonly statusCode?: number | undefined;
  /** The service asked for at least this long before the next attempt (Retry-After, or an open breaker's remaining time). */
  readonly retryAfterMs?: number | undefined;
  /** The error answer's body (parsed JSON, else its text prefix), credentials redacted: for callers that read provider error codes. */
  readonly body?: unknown;
}

/**
 * The one error the service client and the built-in actions throw for a failed call. The run
 * engine reads `retryable` (false: the step fails for good) and `retryAfterMs` (the next attempt
 * waits at least that long) straight off it (docs/runs.md). Messages never contain API keys,
 * tokens or query strings.
 */
export class ServiceError extends Error {
  override readonly name = 'ServiceError';
  readonly service: string;
  readonly code: ServiceErrorCode;
  readonly retryable: boolean;
  readonly statusCode: number | undefined;
  readonly retryAfterMs: number | undefined;
  readonly body: unknown;

  constructor(fields: ServiceErrorFields, options?: { cause?: unknown }) {
    super(`${fields.service}: ${fields.message}`, options);
    this.service = fields.service;
    this.code = fields.code;
    this.retryable = fields.retryable;
    this.statusCode = fields.statusCode;
    this.retryAfterMs = fields.retryAfterMs;
    this.body = fields.body;
  }
}
