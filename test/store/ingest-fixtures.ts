import { newId } from '../../src/core/new-id.js';
import type { EventsTable, WebhookEndpointSecretsTable, WebhookEndpointsTable, WebhookRequestLogsTable } from '../../src/store/database.js';
import type { IngestItem } from '../../src/store/events/commit-ingest-batch.js';
import type { RunStartRows } from '../../src/store/runs/run-start-rows.js';

/** A fixed epoch so every time in the store tests is pinned. */
export const BASE_MS = Date.UTC(2026, 0, 1);

/** An endpoint row with the defaults registration would give it. */
export function endpointRow(endpointId: string, overrides: Partial<WebhookEndpointsTable> = {}): WebhookEndpointsTable {
  return {
    endpoint_id: endpointId,
    url: null,
    path: null,
    events: '[]',
    retry_config: null,
    verification: JSON.stringify({ scheme: 'standard-webhooks' }),
    api_key_hash: null,
    ip_allowlist: '[]',
    rate_limit: null,
    idempotency: null,
    event_type: null,
    max_payload_bytes: 1_048_576,
    split: null,
    verify_token_hash: null,
    content_types: null,
    allow_unsigned: 0,
    active: 1,
    created_at: BASE_MS,
    updated_at: BASE_MS,
    ...overrides,
  };
}

export function secretRow(endpointId: string, createdAt: number, ciphertext = `cipher-${createdAt}`): WebhookEndpointSecretsTable {
  return { secret_id: newId(createdAt), endpoint_id: endpointId, secret_ciphertext: ciphertext, created_at: createdAt, expires_at: null };
}

/** An event received at `receivedAt`; its id sorts by that time. */
export function eventRow(source: string, idempotencyKey: string | null, receivedAt = BASE_MS, overrides: Partial<EventsTable> = {}): EventsTable {
  return {
    id: newId(receivedAt),
    source,
    type: 'order.created',
    subject: null,
    time: new Date(receivedAt).toISOString(),
    received_at: receivedAt,
    datacontenttype: 'application/json',
    data: JSON.stringify({ key: idempotencyKey }),
    data_base64: null,
    extensions: '{}',
    idempotency_key: idempotencyKey,
    ...overrides,
  };
}

/** A request-log row as ingress writes it before the event's fate is known. */
export function logRow(endpointId: string, receivedAt = BASE_MS, overrides: Partial<WebhookRequestLogsTable> = {}): WebhookRequestLogsTable {
  return {
    id: newId(receivedAt),
    endpoint_id: endpointId,
    received_at: receivedAt,
    request_id: `req-${newId(receivedAt)}`,
    client_ip: '127.0.0.1',
    method: 'POST',
    path: `/integration/webhooks/${endpointId}`,
    outcome: 'accepted',
    reason: null,
    status_code: 202,
    latency_ms: 1.5,
    event_id: null,
    headers: '{}',
    ...overrides,
  };
}

/** One webhook that carries an event (outcome decided by the commit). */
export function eventItem(source: string, idempotencyKey: string | null, receivedAt = BASE_MS): IngestItem {
  return { event: eventRow(source, idempotencyKey, receivedAt), log: logRow(source, receivedAt) };
}

/** One refused webhook: a log row only. */
export function rejectedItem(endpointId: string, reason: string, statusCode: number, receivedAt = BASE_MS): IngestItem {
  return { event: null, log: logRow(endpointId, receivedAt, { outcome: 'rejected', reason, status_code: statusCode }) };
}

/** The rows that start a run of `routeId` for `eventId`: the pending run and its job. */
export function runStart(eventId: string, routeId: string, createdAt = BASE_MS): RunStartRows {
  const runId = newId(createdAt);
  return {
    run: { id: runId, event_id: eventId, route_id: routeId, status: 'pending', plan: '[{"name":"t","kind":"transform","expression":"1"}]', error: null, created_at: createdAt, updated_at: createdAt, finished_at: null },
    job: {
      id: newId(createdAt),
      queue: 'runs',
      payload: JSON.stringify({ run_id: runId }),
      status: 'pending',
      attempts: 0,
      max_attempts: 4,
      run_at: createdAt,
      locked_by: null,
      locked_until: null,
      last_error: null,
      last_error_code: null,
      dedupe_key: runId,
      created_at: createdAt,
      updated_at: createdAt,
      finished_at: null,
    },
  };
}
