import { globMatch } from '../../core/glob-match.js';
import { newId } from '../../core/new-id.js';
import { hashApiKey } from '../../crypto/hash-api-key.js';
import { constantTimeEqual } from '../../crypto/constant-time-equal.js';
import type { EventRouter } from '../../runs/event-router.js';
import type { EventsTable, WebhookRequestLogsTable } from '../../store/database.js';
import { eventEnvelopeFromParts } from '../../store/events/event-envelope-from-row.js';
import type { VerificationResult } from '../verify/verification-scheme.js';
import type { ResolvedEndpoint } from './endpoint-directory.js';
import type { InboundWebhook } from './inbound-webhook.js';
import type { IngestWriter } from './ingest-writer.js';
import { resolveJsonPointer } from './json-pointer.js';
import { acceptMediaType } from './accept-media-type.js';
import { parseWebhookBody } from './parse-webhook-body.js';
import { recordRejection } from './record-rejection.js';
import { redactHeaders } from './redact-headers.js';
import type { ValueSource } from './webhook-endpoint.js';
import type { WebhookOutcome } from './webhook-outcome.js';

/** The event type used when neither the endpoint, the scheme nor the body names one. */
export const DEFAULT_EVENT_TYPE = 'webhook.received';

/**
 * Verifies, parses and durably records one webhook whose body has been read. Resolves only after
 * the event (or the rejection's log row) is committed: a 2xx is sent only after this commit. The
 * runs of the routes the event matches are committed in the same transaction as the event.
 */
export async function receiveWebhook(
  writer: IngestWriter,
  router: EventRouter | undefined,
  resolved: ResolvedEndpoint,
  request: InboundWebhook,
  rawBody: Buffer,
  nowMs: number,
): Promise<WebhookOutcome> {
  const { endpoint } = resolved;
  const reject = async (code: Extract<WebhookOutcome, { kind: 'rejected' }>['code'], message: string): Promise<WebhookOutcome> => {
    await recordRejection(writer, endpoint.endpointId, request, code, nowMs);
    return { kind: 'rejected', code, message };
  };

  const accepted = acceptMediaType(endpoint, request.mediaType);
  if ('refusal' in accepted) return reject('unsupported_media_type', accepted.refusal);

  const verification = verifyRequest(resolved, request, rawBody, nowMs);
  if (!verification.ok) return reject(verification.code, verification.message);

  const parsed = parseWebhookBody(accepted.bodyKind, rawBody);
  if (!parsed.ok) return reject('body_invalid', parsed.message);

  let items: readonly unknown[] | undefined;
  if (endpoint.split !== null) {
    const found = endpoint.split.json_pointer === '' ? parsed.data : resolveJsonPointer(parsed.data, endpoint.split.json_pointer);
    if (!Array.isArray(found)) return reject('body_invalid', `A batch needs an array at ${endpoint.split.json_pointer === '' ? 'the top level' : endpoint.split.json_pointer}.`);
    if (found.length > endpoint.split.max_items) return reject('body_invalid', `A batch may hold at most ${endpoint.split.max_items} items; this one holds ${found.length}.`);
    items = found;
  }

  const logBaseFor = (): WebhookRequestLogsTable => ({ ...logBase, id: newId(nowMs), outcome: 'accepted', status_code: resolved.scheme.acceptedStatus ?? 202 });
  const logBase = {
    id: newId(nowMs),
    endpoint_id: endpoint.endpointId,
    received_at: request.receivedAtMs,
    request_id: request.requestId,
    client_ip: request.clientIp,
    method: request.method,
    path: request.path,
    reason: null,
    latency_ms: Math.max(0, nowMs - request.receivedAtMs),
    event_id: null,
    headers: JSON.stringify(redactHeaders(request.headers)),
  };

  if (verification.handshake !== undefined) {
    await writer.submit({ event: null, log: { ...logBase, outcome: 'ignored', reason: 'handshake', status_code: 200 } });
    return { kind: 'handshake', ...verification.handshake };
  }

  if (items !== undefined) {
    if (items.length === 0) {
      // Nothing to store, but the request is logged like every other.
      await writer.submit({ event: null, log: { ...logBase, outcome: 'ignored', reason: 'batch_empty', status_code: resolved.scheme.acceptedStatus ?? 202 } });
      return { kind: 'batch', items: [] };
    }
    // One event per item, each with its own type, idempotency key and runs (one request-log row each, same request id).
    const outcomes = await Promise.all(
      items.map((item, index) => {
        const facts = { data: item, dataJson: JSON.stringify(item ?? null), mediaType: 'application/json', batchIndex: index };
        return recordEvent({ writer, router, endpoint, request, verification, facts, log: logBaseFor(), nowMs });
      }),
    );
    return { kind: 'batch', items: outcomes };
  }
  const facts = { data: parsed.data, dataJson: parsed.dataJson, dataBase64: parsed.dataBase64, mediaType: request.mediaType };
  return recordEvent({ writer, router, endpoint, request, verification, facts, log: logBaseFor(), nowMs });
}

/** The parts of one event that come from the body (a batch item's, or the whole request's). */
interface EventFacts {
  readonly data: unknown;
  readonly dataJson?: string | undefined;
  readonly dataBase64?: string | undefined;
  readonly mediaType: string;
  /** A batch item's position in its request's array. */
  readonly batchIndex?: number | undefined;
}

/** Builds one event from a verified request, plans its runs and commits it with them (or records it ignored). */
async function recordEvent(args: {
  readonly writer: IngestWriter;
  readonly router: EventRouter | undefined;
  readonly endpoint: ResolvedEndpoint['endpoint'];
  readonly request: InboundWebhook;
  readonly verification: Extract<VerificationResult, { ok: true }>;
  readonly facts: EventFacts;
  readonly log: WebhookRequestLogsTable;
  readonly nowMs: number;
}): Promise<Extract<WebhookOutcome, { kind: 'accepted' | 'duplicate' | 'ignored' }>> {
  const { writer, router, endpoint, request, verification, facts, nowMs } = args;
  const logBase = args.log;
  const parsed = { data: facts.data, dataJson: facts.dataJson, dataBase64: facts.dataBase64 };
  const eventType =
    valueFrom(endpoint.eventType, request.headers, parsed.data) ?? verification.eventType ?? topLevelString(parsed.data, 'type') ?? DEFAULT_EVENT_TYPE;
  const idempotencyKey = itemIdempotencyKey(endpoint.idempotency, verification.idempotencyKey, request.headers, parsed.data, facts.batchIndex);

  if (endpoint.events.length > 0 && !endpoint.events.some((pattern) => globMatch(pattern, eventType))) {
    await writer.submit({ event: null, log: { ...logBase, outcome: 'ignored', reason: 'event_not_subscribed', status_code: 200 } });
    return { kind: 'ignored', eventType };
  }

  const extensions: Record<string, string> = {};
  for (const [header, value] of Object.entries(verification.keptHeaders ?? {})) extensions[extensionName(header)] = value;
  extensions['clientip'] = request.clientIp;
  if (idempotencyKey !== undefined) extensions['idempotencykey'] = idempotencyKey;
  const event: EventsTable = {
    id: newId(nowMs),
    source: endpoint.endpointId,
    type: eventType,
    subject: null,
    time: new Date(nowMs).toISOString(),
    received_at: request.receivedAtMs,
    datacontenttype: facts.mediaType === '' ? 'application/octet-stream' : facts.mediaType,
    data: parsed.dataJson ?? null,
    data_base64: parsed.dataBase64 ?? null,
    extensions: JSON.stringify(extensions),
    idempotency_key: idempotencyKey ?? null,
  };
  const planned = router === undefined ? [] : await router.plan(eventEnvelopeFromParts(event, parsed.data, extensions), nowMs);
  const result = await writer.submit({ event, log: logBase, runs: planned.map((run) => run.rows) });
  if (result.outcome === 'logged') throw new Error('An event item was committed without an event outcome');
  if (result.outcome === 'duplicate') return { kind: 'duplicate', eventId: result.eventId };
  return { kind: 'accepted', eventId: result.eventId, runs: planned.map((run) => ({ id: run.rows.run.id, route: run.route })) };
}

function verifyRequest(resolved: ResolvedEndpoint, request: InboundWebhook, rawBody: Buffer, nowMs: number): VerificationResult {
  const { endpoint, scheme } = resolved;
  const verificationRequest = { rawBody, headers: request.headers, url: request.url, contentType: request.mediaType };
  if (scheme.name === 'api-key') {
    return scheme.verify(verificationRequest, endpoint.apiKeyHash === null ? [] : [endpoint.apiKeyHash], resolved.schemeOptions, nowMs);
  }
  if (endpoint.apiKeyHash !== null) {
    const presented = request.headers['x-api-key'];
    if (presented === undefined || !constantTimeEqual(hashApiKey(presented), endpoint.apiKeyHash)) {
      return { ok: false, code: 'api_key_invalid', message: 'Missing or wrong X-API-Key.' };
    }
  }
  if (scheme.name === 'none' && !endpoint.allowUnsigned) {
    return { ok: false, code: 'signature_missing', message: 'This endpoint requires signed requests.' };
  }
  const secrets = resolved.secrets.filter((s) => s.expiresAt === null || s.expiresAt > nowMs).map((s) => s.value);
  return scheme.verify(verificationRequest, secrets, resolved.schemeOptions, nowMs);
}

/**
 * CloudEvents extension attribute names are lower-case letters and digits only, so a kept provider
 * header becomes its name without separators: `x-github-event` → `xgithubevent`.
 */
function extensionName(header: string): string {
  return header.toLowerCase().replace(/[^a-z0-9]/g, '');
}

/**
 * The event's idempotency key: the endpoint's `idempotency` source, else the scheme's delivery id.
 * A batch item's key from the item itself (a JSON pointer) is the item's own; a key that belongs to
 * the whole request (a header, the scheme's delivery id) is suffixed with the item's position, so
 * the items stay distinct events while a redelivered batch is a duplicate item by item.
 */
function itemIdempotencyKey(
  source: ValueSource | null,
  schemeKey: string | undefined,
  headers: InboundWebhook['headers'],
  data: unknown,
  batchIndex: number | undefined,
): string | undefined {
  const key = source !== null ? valueFrom(source, headers, data) : schemeKey;
  const perItem = source !== null && 'json_pointer' in source;
  if (key === undefined || batchIndex === undefined || perItem) return key;
  return `${key}#${batchIndex}`;
}

function valueFrom(source: ValueSource | null, headers: InboundWebhook['headers'], data: unknown): string | undefined {
  if (source === null) return undefined;
  const value = 'header' in source ? headers[source.header.toLowerCase()] : resolveJsonPointer(data, source.json_pointer);
  if (typeof value === 'string' && value !== '') return value.slice(0, 512);
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  return undefined;
}

function topLevelString(data: unknown, key: string): string | undefined {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return undefined;
  const value = (data as Record<string, unknown>)[key];
  return typeof value === 'string' && value !== '' ? value.slice(0, 512) : undefined;
}
