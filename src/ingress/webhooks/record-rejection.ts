import { newId } from '../../core/new-id.js';
import { errorCatalog, type ErrorCode } from '../../core/errors/error-catalog.js';
import type { InboundWebhook } from './inbound-webhook.js';
import type { IngestWriter } from './ingest-writer.js';
import { redactHeaders } from './redact-headers.js';

/** Writes the request-log row of a refused request (nothing else changes) and counts it. */
export async function recordRejection(
  writer: IngestWriter,
  endpointId: string,
  request: InboundWebhook,
  code: ErrorCode,
  nowMs: number,
): Promise<void> {
  await writer.submit({
    event: null,
    log: {
      id: newId(nowMs),
      endpoint_id: endpointId,
      received_at: request.receivedAtMs,
      request_id: request.requestId,
      client_ip: request.clientIp,
      method: request.method,
      path: request.path,
      outcome: 'rejected',
      reason: code,
      status_code: errorCatalog[code].status,
      latency_ms: Math.max(0, nowMs - request.receivedAtMs),
      event_id: null,
      headers: JSON.stringify(redactHeaders(request.headers)),
    },
  });
}
