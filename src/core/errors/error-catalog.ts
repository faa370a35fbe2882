/**
 * Every error code the API can answer with, its HTTP status and default message. One catalog: a test
 * checks that each code is documented in docs/errors.md and used somewhere in src/.
 */
export const errorCatalog = {
  unauthorized: { status: 401, message: 'Missing or invalid bearer token for the management API.' },
  validation_failed: { status: 400, message: 'The request does not match the expected schema.' },
  body_invalid: { status: 400, message: 'The body does not parse as its content type.' },
  route_not_found: { status: 404, message: 'No such route.' },
  endpoint_not_found: { status: 404, message: 'No webhook endpoint with this id.' },
  endpoint_exists: { status: 409, message: 'A webhook endpoint with this id already exists.' },
  path_taken: { status: 409, message: 'Another endpoint or route already uses this path.' },
  endpoint_inactive: { status: 410, message: 'This webhook endpoint has been deactivated.' },
  event_not_found: { status: 404, message: 'No event with this id.' },
  route_definition_not_found: { status: 404, message: 'No route definition with this id.' },
  route_exists: { status: 409, message: 'A route with this id already exists.' },
  route_invalid: { status: 422, message: 'The route definition is invalid.' },
  run_not_found: { status: 404, message: 'No run with this id.' },
  run_finished: { status: 409, message: 'The run has already finished; only a pending or running run can be cancelled.' },
  run_not_failed: { status: 409, message: 'Only a failed run can be retried.' },
  run_failed: { status: 502, message: 'The run answering this synchronous webhook failed; the event is committed and the run is in dead letters.' },
  response_render_failed: { status: 500, message: 'The run succeeded but its route\'s response template failed to render.' },
  dead_letter_not_found: { status: 404, message: 'No dead letter with this id.' },
  ip_not_allowed: { status: 403, message: 'The client address is not in this endpoint\'s allowlist.' },
  rate_limited: { status: 429, message: 'Too many requests; retry after the time given in Retry-After.' },
  payload_too_large: { status: 413, message: 'The body exceeds this endpoint\'s size limit.' },
  unsupported_media_type: { status: 415, message: 'Unsupported content type.' },
  signature_missing: { status: 401, message: 'The request carries no signature.' },
  signature_invalid: { status: 401, message: 'The signature does not match the body.' },
  timestamp_out_of_window: { status: 401, message: 'The signed timestamp is outside the accepted window.' },
  api_key_invalid: { status: 401, message: 'Missing or wrong API key.' },
  verification_invalid: { status: 422, message: 'The verification settings are invalid.' },
  unsigned_not_allowed: { status: 422, message: 'Scheme "none" requires allow_unsigned: true.' },
  cursor_invalid: { status: 400, message: 'The pagination cursor is malformed.' },
  service_unavailable: { status: 503, message: 'The service is shutting down or not ready.' },
  request_malformed: { status: 400, message: 'The HTTP request is malformed (bad framing, bad header or bad request line).' },
  headers_too_large: { status: 431, message: 'The request headers are too large.' },
  request_timeout: { status: 408, message: 'The request was not received in time.' },
  internal_error: { status: 500, message: 'Internal error.' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof errorCatalog;
