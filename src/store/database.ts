import type { Generated, Kysely, Transaction } from 'kysely';

/**
 * Table shapes shared by SQLite and PostgreSQL. Times are epoch milliseconds (bigint in PostgreSQL,
 * parsed to number), JSON is stored as text, booleans as 0/1, so both dialects return the same values.
 */
export interface WebhookEndpointsTable {
  endpoint_id: string;
  url: string | null;
  path: string | null;
  events: string; // JSON string[]
  retry_config: string | null; // JSON
  verification: string; // JSON {scheme, ...options}
  api_key_hash: string | null;
  ip_allowlist: string; // JSON string[]
  rate_limit: string | null; // JSON {requests, per_seconds}
  idempotency: string | null; // JSON {header} | {json_pointer}
  event_type: string | null; // JSON {header} | {json_pointer}
  max_payload_bytes: number;
  allow_unsigned: number;
  active: number;
  created_at: number;
  updated_at: number;
}

export interface WebhookEndpointSecretsTable {
  secret_id: string;
  endpoint_id: string;
  /** AES-256-GCM ciphertext (see crypto/secret-box). */
  secret_ciphertext: string;
  created_at: number;
  /** Set when a newer secret replaced this one: it keeps verifying until then. */
  expires_at: number | null;
}

export interface EventsTable {
  id: string;
  source: string;
  type: string;
  subject: string | null;
  time: string;
  received_at: number;
  datacontenttype: string;
  /** JSON text of the parsed data, or null when the body is kept as bytes in data_base64. */
  data: string | null;
  data_base64: string | null;
  extensions: string; // JSON Record<string,string>
  idempotency_key: string | null;
}

export interface WebhookRequestLogsTable {
  id: string;
  endpoint_id: string;
  received_at: number;
  request_id: string;
  client_ip: string;
  method: string;
  path: string;
  outcome: string; // accepted | duplicate | ignored | rejected
  reason: string | null;
  status_code: number;
  latency_ms: number;
  event_id: string | null;
  headers: string; // JSON, secrets and signatures redacted
}

export interface WebhookEndpointStatsTable {
  endpoint_id: string;
  outcome: string;
  /** '' when the outcome has no reason, so the primary key has no NULLs. */
  reason: string;
  /** Counter shard (0 on SQLite's single writer; 0..15 on PostgreSQL): readers sum the shards. */
  shard: Generated<number>;
  count: number;
  last_at: number;
}

export interface Database {
  webhook_endpoints: WebhookEndpointsTable;
  webhook_endpoint_secrets: WebhookEndpointSecretsTable;
  events: EventsTable;
  webhook_request_logs: WebhookRequestLogsTable;
  webhook_endpoint_stats: WebhookEndpointStatsTable;
}

/** A connection or a transaction: store functions take either, and the caller owns the transaction. */
export type Db = Kysely<Database> | Transaction<Database>;

export type Dialect = 'sqlite' | 'postgres';
