import { Agent, request as sendRequest, type Dispatcher } from 'undici';
import { systemClock, type Clock } from '../../core/clock.js';
import { attemptSignal } from '../../delivery/channels/attempt-signal.js';
import { httpStatusFailure } from '../../delivery/channels/http-status-failure.js';
import { parseRetryAfter } from '../../delivery/channels/parse-retry-after.js';
import { errorBodyLimits, readBodyPrefix } from '../../delivery/channels/read-body-prefix.js';
import type { SendFailure } from '../../delivery/channels/send-failure.js';
import { thrownSendFailure } from '../../delivery/channels/thrown-send-failure.js';
import { redactSecrets, secretHeaderValues } from './redact-secrets.js';
import { createServiceBreaker, type ServiceBreaker } from './service-breaker.js';
import { ServiceError, type ServiceErrorCode } from './service-error.js';

/** Response headers as undici gives them (lower-case names). */
export type JsonServiceHeaders = Dispatcher.ResponseData['headers'];

/** What `createJsonService` builds a service from; `breaker` has the shape of the config's `breaker` sections. */
export interface JsonServiceOptions {
  /** Short and stable (`slotify`): it starts every error message and names the breaker. */
  readonly name: string;
  /** The API root; request paths are appended to it (a trailing slash is dropped). */
  readonly baseUrl: string;
  /** Sent with every request (credentials go here; they are redacted from every error). */
  readonly headers: Readonly<Record<string, string>>;
  /** Budget of one call, connection and the whole body included. */
  readonly timeoutMs: number;
  readonly breaker: { readonly failure_threshold: number; readonly half_open_after_ms: number };
  /** The connection pool; the service makes its own undici Agent (and closes it in `close()`) when absent. */
  readonly dispatcher?: Dispatcher | undefined;
  /** For Retry-After dates and the breaker's reported wait; the system clock when absent. */
  readonly clock?: Clock | undefined;
  /** Largest 2xx body read (default 1 MiB); a longer one is `invalid_response`. */
  readonly maxResponseBytes?: number | undefined;
}

/** One external JSON API: where it is, how it authenticates, its pool and its circuit breaker. Built by `createJsonService`. */
export interface JsonService {
  readonly name: string;
  /** Without a trailing slash. */
  readonly baseUrl: string;
  /** Lower-case names. */
  readonly headers: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  readonly dispatcher: Dispatcher;
  /** One per service: every call through this object shares it. */
  readonly breaker: ServiceBreaker;
  readonly clock: Clock;
  readonly maxResponseBytes: number;
  /** Closes the pool when the service made it; a given dispatcher is the caller's to close. */
  close(): Promise<void>;
}

export type JsonMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** One call. */
export interface JsonRequest {
  readonly method: JsonMethod;
  /** Starts with `/`; the caller encodes path segments (`encodeURIComponent`). */
  readonly path: string;
  /** Appended as a query string; undefined values are left out. */
  readonly query?: Readonly<Record<string, string | number | boolean | undefined>> | undefined;
  /** Sent as JSON when defined. */
  readonly body?: unknown;
  /** Sent as `Idempotency-Key`: pass the run step's key so a repeated call can be dropped by the service. */
  readonly idempotencyKey?: string | undefined;
  /** Extra headers for this call (e.g. a user's own token); they win over the service's. Redacted like the service's. */
  readonly headers?: Readonly<Record<string, string>> | undefined;
  /** Stops the call (code `aborted`, which does not count towards the breaker). */
  readonly signal?: AbortSignal | undefined;
}

/** A 2xx answer. */
export interface JsonResponse {
  readonly status: number;
  /** The parsed JSON body; undefined when the body was empty (204, say). */
  readonly body: unknown;
  readonly headers: JsonServiceHeaders;
}

const defaultMaxResponseBytes = 1_048_576;

/** A JSON service over its own undici Agent (unless given one) with one cockatiel breaker. */
export function createJsonService(options: JsonServiceOptions): JsonService {
  const ownsDispatcher = options.dispatcher === undefined;
  const dispatcher = options.dispatcher ?? new Agent();
  const clock = options.clock ?? systemClock;
  let closing: Promise<void> | undefined;
  return {
    name: options.name,
    baseUrl: options.baseUrl.replace(/\/+$/, ''),
    headers: lowerCaseNames(options.headers),
    timeoutMs: options.timeoutMs,
    dispatcher,
    breaker: createServiceBreaker({ service: options.name, failureThreshold: options.breaker.failure_threshold, halfOpenAfterMs: options.breaker.half_open_after_ms, clock }),
    clock,
    maxResponseBytes: options.maxResponseBytes ?? defaultMaxResponseBytes,
    close() {
      if (!ownsDispatcher) return Promise.resolve();
      closing ??= dispatcher.close();
      return closing;
    },
  };
}

/**
 * One JSON call through the service's breaker: resolves with a 2xx answer, otherwise throws a
 * `ServiceError`. Non-2xx statuses follow the HTTP channels' rule (`httpStatusFailure`: 408, 429
 * and 5xx retryable; 3xx, since redirects are not followed, and other 4xx permanent), with
 * `retryAfterMs` from `Retry-After` on 429 and 503. Thrown requests are classified like a
 * channel's (`thrownSendFailure`): `timeout`, `connection_failed`, `aborted`, `request_failed`.
 * A 2xx body that is not JSON is `invalid_response` (permanent). Only retryable failures count
 * towards the breaker; while it is open the call fails at once with `circuit_open`. Nothing is
 * retried here: retries are the run engine's, so the breaker sees every failure.
 */
export async function callJsonService(service: JsonService, request: JsonRequest): Promise<JsonResponse> {
  if (!request.path.startsWith('/')) throw new Error(`${service.name}: request path must start with "/": ${request.path}`);
  return service.breaker.execute(() => sendOnce(service, request));
}

async function sendOnce(service: JsonService, request: JsonRequest): Promise<JsonResponse> {
  const headers: Record<string, string> = { accept: 'application/json', ...service.headers, ...lowerCaseNames(request.headers ?? {}) };
  if (request.idempotencyKey !== undefined) headers['idempotency-key'] = request.idempotencyKey;
  if (request.body !== undefined) headers['content-type'] = 'application/json; charset=utf-8';
  const secrets = secretHeaderValues(headers);
  // The query is left out of messages: some APIs take credentials or personal data there.
  const what = `${request.method} ${request.path}`;
  const attempt = attemptSignal(request.signal ?? new AbortController().signal, service.timeoutMs);
  try {
    const response = await sendRequest(`${service.baseUrl}${request.path}${queryString(request.query)}`, {
      method: request.method,
      headers,
      ...(request.body === undefined ? {} : { body: JSON.stringify(request.body) }),
      dispatcher: service.dispatcher,
      signal: attempt.signal,
    });
    const { statusCode } = response;
    if (statusCode < 200 || statusCode >= 300) {
      const { text } = await readBodyPrefix(response.body, errorBodyLimits);
      const retryAfterMs = statusCode === 429 || statusCode === 503 ? parseRetryAfter(response.headers['retry-after'], service.clock.nowMs()) : undefined;
      const redacted = redactSecrets(text, secrets);
      throw toServiceError(service.name, what, httpStatusFailure(statusCode, errorDetail(redacted), retryAfterMs), redacted === '' ? undefined : (parseJson(redacted) ?? redacted));
    }
    const limits = { keepBytes: service.maxResponseBytes, drainBytes: service.maxResponseBytes };
    const { text, truncated } = await readBodyPrefix(response.body, limits);
    if (truncated) throw invalidResponse(service.name, what, `HTTP ${statusCode} answer is larger than ${service.maxResponseBytes} bytes`, statusCode);
    if (text.trim() === '') return { status: statusCode, body: undefined, headers: response.headers };
    const body = parseJson(text);
    if (body === undefined) throw invalidResponse(service.name, what, `HTTP ${statusCode} answer is not JSON`, statusCode);
    return { status: statusCode, body, headers: response.headers };
  } catch (thrown) {
    if (thrown instanceof ServiceError) throw thrown;
    throw toServiceError(service.name, what, thrownSendFailure(thrown, attempt), undefined, thrown);
  }
}

function toServiceError(service: string, what: string, failure: SendFailure, body: unknown, cause?: unknown): ServiceError {
  return new ServiceError(
    {
      service,
      // thrownSendFailure and httpStatusFailure produce only codes ServiceErrorCode lists.
      code: failure.code as ServiceErrorCode,
      message: `${what}: ${failure.message}`,
      retryable: failure.retryable,
      statusCode: failure.statusCode,
      retryAfterMs: failure.retryAfterMs,
      body,
    },
    cause === undefined ? undefined : { cause },
  );
}

function invalidResponse(service: string, what: string, message: string, statusCode: number): ServiceError {
  return new ServiceError({ service, code: 'invalid_response', retryable: false, message: `${what}: ${message}`, statusCode });
}

/** A short excerpt of an error answer: its JSON error message when it has one, else the text. */
function errorDetail(text: string): string {
  const body = parseJson(text);
  const fields = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  const nested = typeof fields.error === 'object' && fields.error !== null ? (fields.error as Record<string, unknown>).message : undefined;
  const candidate = [nested, fields.message, fields.error, fields.detail, fields.title].find((value): value is string => typeof value === 'string' && value !== '');
  return (candidate ?? text).replace(/\s+/g, ' ').trim().slice(0, 200);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function queryString(query: JsonRequest['query']): string {
  if (query === undefined) return '';
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) if (value !== undefined) params.append(name, String(value));
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}

function lowerCaseNames(headers: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
}
