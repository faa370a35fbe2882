import type { Selectable } from 'kysely';
import type { WebhookEndpointsTable } from '../../store/database.js';

/** Where a value comes from in an inbound request: a header, or a JSON pointer into the body. */
export type ValueSource = { readonly header: string } | { readonly json_pointer: string };

/** Where a batch request's items are, and how many one request may carry. */
export interface SplitSetting {
  readonly json_pointer: string;
  readonly max_items: number;
}

export interface RateLimitSetting {
  readonly requests: number;
  readonly per_seconds: number;
}

/** A registered webhook endpoint, without its secrets. */
export interface WebhookEndpoint {
  readonly endpointId: string;
  readonly url: string | null;
  readonly path: string | null;
  readonly events: readonly string[];
  readonly retryConfig: unknown;
  readonly verification: { readonly scheme: string; readonly options: Readonly<Record<string, unknown>> };
  readonly apiKeyHash: string | null;
  /** Set when the endpoint answers Meta's GET subscription handshake. */
  readonly verifyTokenHash: string | null;
  /** Set for batch endpoints: each item of the array at `json_pointer` is an event of its own. */
  readonly split: SplitSetting | null;
  /** Media type globs a body must match (else 415); empty: every type Switchboard reads. */
  readonly contentTypes: readonly string[];
  readonly ipAllowlist: readonly string[];
  readonly rateLimit: RateLimitSetting | null;
  readonly idempotency: ValueSource | null;
  readonly eventType: ValueSource | null;
  readonly maxPayloadBytes: number;
  readonly allowUnsigned: boolean;
  readonly active: boolean;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** Reads a stored row into the domain shape. */
export function endpointFromRow(row: Selectable<WebhookEndpointsTable>): WebhookEndpoint {
  const { scheme, ...options } = JSON.parse(row.verification) as { scheme: string } & Record<string, unknown>;
  return {
    endpointId: row.endpoint_id,
    url: row.url,
    path: row.path,
    events: JSON.parse(row.events) as string[],
    retryConfig: row.retry_config === null ? null : JSON.parse(row.retry_config),
    verification: { scheme, options },
    apiKeyHash: row.api_key_hash,
    verifyTokenHash: row.verify_token_hash ?? null,
    split: row.split === null || row.split === undefined ? null : (JSON.parse(row.split) as SplitSetting),
    contentTypes: row.content_types === null || row.content_types === undefined ? [] : (JSON.parse(row.content_types) as string[]),
    ipAllowlist: JSON.parse(row.ip_allowlist) as string[],
    rateLimit: row.rate_limit === null ? null : (JSON.parse(row.rate_limit) as RateLimitSetting),
    idempotency: row.idempotency === null ? null : (JSON.parse(row.idempotency) as ValueSource),
    eventType: row.event_type === null ? null : (JSON.parse(row.event_type) as ValueSource),
    maxPayloadBytes: Number(row.max_payload_bytes),
    allowUnsigned: row.allow_unsigned === 1,
    active: row.active === 1,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}
