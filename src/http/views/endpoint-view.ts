import type { WebhookEndpoint } from '../../ingress/webhooks/webhook-endpoint.js';

/** An endpoint as the API shows it: never a secret, never the API key (only whether one is set). */
export function endpointView(endpoint: WebhookEndpoint) {
  return {
    endpoint_id: endpoint.endpointId,
    url: endpoint.url,
    path: endpoint.path,
    events: endpoint.events,
    retry_config: endpoint.retryConfig,
    verification: { scheme: endpoint.verification.scheme, ...endpoint.verification.options },
    api_key_configured: endpoint.apiKeyHash !== null,
    verify_token_configured: endpoint.verifyTokenHash !== null,
    content_types: endpoint.contentTypes.length === 0 ? null : endpoint.contentTypes,
    ip_allowlist: endpoint.ipAllowlist,
    rate_limit: endpoint.rateLimit,
    idempotency: endpoint.idempotency,
    split: endpoint.split,
    event_type: endpoint.eventType,
    max_payload_bytes: endpoint.maxPayloadBytes,
    allow_unsigned: endpoint.allowUnsigned,
    active: endpoint.active,
    receive_paths: [
      `/integration/webhooks/${endpoint.endpointId}`,
      `/api/v1/integrations/webhook/${endpoint.endpointId}`,
      ...(endpoint.path === null ? [] : [endpoint.path]),
    ],
    created_at: new Date(endpoint.createdAt).toISOString(),
    updated_at: new Date(endpoint.updatedAt).toISOString(),
  };
}
