import { ServiceError } from '../service-client/service-error.js';

/** The `error` object of a Graph API error answer. */
export interface GraphError {
  readonly code: number;
  readonly subcode?: number | undefined;
  readonly type?: string | undefined;
  readonly message: string;
  readonly details?: string | undefined;
  readonly fbtraceId?: string | undefined;
}

/**
 * Graph error codes that a later attempt may get past whatever the HTTP status (Graph answers
 * several rate limits with 400), with the least wait Meta documents when it documents one.
 * Every other code follows the HTTP status (429 and 5xx retryable, other 4xx permanent): 190
 * (token invalid or expired), 100 (bad parameter), 131026 (undeliverable), 131030 (recipient not
 * in the test allow-list), 131047 (the 24-hour window closed: a template is needed) and the rest
 * of the 4xx codes cannot succeed by retrying.
 */
const retryableCodes: ReadonlyMap<number, { readonly retryAfterMs?: number }> = new Map([
  [1, {}], // API unknown (transient)
  [2, {}], // API service temporarily unavailable
  [4, {}], // application request limit
  [17, {}], // user request limit
  [32, {}], // page request limit
  [341, {}], // application limit
  [613, {}], // calls within one hour exceeded the rate
  [80007, {}], // WhatsApp Business Account rate limit
  [130429, {}], // Cloud API throughput reached
  [131000, {}], // something went wrong
  [131016, {}], // service unavailable
  [131056, { retryAfterMs: 6_000 }], // pair rate limit: one message every 6 s to the same recipient
  [133004, {}], // server temporarily unavailable
]);

/** The Graph error inside a `ServiceError`'s body, when the answer was one. */
export function readGraphError(body: unknown): GraphError | undefined {
  const error = typeof body === 'object' && body !== null ? (body as { error?: unknown }).error : undefined;
  if (typeof error !== 'object' || error === null) return undefined;
  const fields = error as Record<string, unknown>;
  if (typeof fields.code !== 'number') return undefined;
  const data = typeof fields.error_data === 'object' && fields.error_data !== null ? (fields.error_data as Record<string, unknown>) : {};
  return {
    code: fields.code,
    subcode: typeof fields.error_subcode === 'number' ? fields.error_subcode : undefined,
    type: typeof fields.type === 'string' ? fields.type : undefined,
    message: typeof fields.message === 'string' ? fields.message : '',
    details: typeof data.details === 'string' ? data.details : undefined,
    fbtraceId: typeof fields.fbtrace_id === 'string' ? fields.fbtrace_id : undefined,
  };
}

/**
 * `failure` reclassified by the Graph error it carries (see `retryableCodes`), its message naming
 * the code, subcode, details and fbtrace_id (what Meta support asks for). Anything else is
 * returned as it is.
 */
export function applyGraphErrorPolicy(failure: unknown): unknown {
  if (!(failure instanceof ServiceError)) return failure;
  const graph = readGraphError(failure.body);
  if (graph === undefined) return failure;
  const rule = retryableCodes.get(graph.code);
  const code = graph.subcode === undefined ? `${graph.code}` : `${graph.code}/${graph.subcode}`;
  const details = graph.details === undefined || graph.message.includes(graph.details) ? '' : ` (${graph.details})`;
  const trace = graph.fbtraceId === undefined ? '' : ` [fbtrace_id ${graph.fbtraceId}]`;
  const retryable = rule !== undefined || failure.retryable;
  return new ServiceError(
    {
      service: failure.service,
      code: failure.code,
      statusCode: failure.statusCode,
      retryable,
      retryAfterMs: failure.retryAfterMs ?? rule?.retryAfterMs,
      message: `HTTP ${failure.statusCode ?? '?'} ${retryable ? 'retryable' : 'permanent'} Graph error ${code}: ${graph.message}${details}${trace}`,
      body: failure.body,
    },
    { cause: failure },
  );
}
