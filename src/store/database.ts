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

/** The events table's column set by the commit paths from the runs an event starts (not part of an ingested row). */
export interface EventsRoutingColumn {
  /** 1 when a route matched the event and runs started with it; 0 when it is kept unrouted. */
  routed: Generated<number>;
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

/** pending → running → succeeded | pending (retry) | dead; pending | running | dead → cancelled; dead → pending (replay). */
export type JobStatus = 'pending' | 'running' | 'succeeded' | 'dead' | 'cancelled';

export interface JobsTable {
  id: string;
  queue: string;
  payload: string; // JSON
  status: JobStatus;
  /** Claims so far: a claim increments it, a replay resets it to 0. */
  attempts: number;
  max_attempts: number;
  /** Not claimed before this time (epoch ms). */
  run_at: number;
  /** The worker holding the lease while status is running. */
  locked_by: string | null;
  /** A running job whose lease passed this time may be claimed again. */
  locked_until: number | null;
  last_error: string | null; // JSON {code, message}
  /** last_error's code, in a column of its own so dead letters filter by it on both dialects. */
  last_error_code: string | null;
  /** Unique per queue when set: enqueueing the same key again creates nothing. */
  dedupe_key: string | null;
  created_at: number;
  updated_at: number;
  finished_at: number | null;
}

/** Where a route came from: the config file (re-synced at each start) or the management API. */
export type RouteOrigin = 'config' | 'api';

export interface RoutesTable {
  id: string;
  definition: string; // JSON RouteDefinition, as validated
  origin: RouteOrigin;
  /** The definition's `enabled` (default true) as 0/1, so a query can skip disabled routes. */
  enabled: number;
  created_at: number;
  updated_at: number;
}

/** pending → running → succeeded | failed; pending | running → cancelled; failed → pending (retry). */
export type RunStatus = 'pending' | 'running' | 'succeeded' | 'failed' | 'cancelled';

export interface RunsTable {
  id: string;
  event_id: string;
  route_id: string;
  status: RunStatus;
  /** JSON StepDefinition[]: the route's steps copied when the run was created. */
  plan: string;
  error: string | null; // JSON {code, message}
  created_at: number;
  updated_at: number;
  finished_at: number | null;
}

/** A succeeded step is final: its output is committed once and never overwritten. */
export type RunStepStatus = 'pending' | 'running' | 'succeeded' | 'failed' | 'skipped';

export interface RunStepsTable {
  run_id: string;
  step_name: string;
  /** Order in the run's plan (0-based); branch expansions take the positions after their branch. */
  position: number;
  kind: string;
  status: RunStepStatus;
  input: string | null; // JSON
  output: string | null; // JSON
  attempts: number;
  error: string | null; // JSON {code, message}
  started_at: number | null;
  finished_at: number | null;
}

export type NotifyOutboxStatus = 'pending' | 'dispatched';

export interface NotifyOutboxTable {
  id: string;
  run_id: string;
  step_name: string;
  request: string; // JSON NotifyRequest
  status: NotifyOutboxStatus;
  created_at: number;
}

/** Seed 000's learning_data: one agent interaction per run step (see src/store/learning/). */
export interface LearningDataTable {
  id: string;
  /** The run step's idempotency key: unique, so a retried step records nothing new. */
  idempotency_key: string;
  agent_name: string;
  interaction_type: string;
  alert_id: string | null;
  /** Lower-cased and trimmed, for lookups by type; input_data keeps the alert as it came. */
  alert_type: string | null;
  root_cause: string | null;
  input_data: string; // JSON: the alert, root_cause included when known
  context_data: string; // JSON object: what else the agent knew
  patterns_identified: string; // JSON array
  created_at: number;
}

export interface Database {
  webhook_endpoints: WebhookEndpointsTable;
  webhook_endpoint_secrets: WebhookEndpointSecretsTable;
  events: EventsTable & EventsRoutingColumn;
  webhook_request_logs: WebhookRequestLogsTable;
  webhook_endpoint_stats: WebhookEndpointStatsTable;
  jobs: JobsTable;
  routes: RoutesTable;
  runs: RunsTable;
  run_steps: RunStepsTable;
  notify_outbox: NotifyOutboxTable;
  learning_data: LearningDataTable;
}

/** A connection or a transaction: store functions take either, and the caller owns the transaction. */
export type Db = Kysely<Database> | Transaction<Database>;

export type Dialect = 'sqlite' | 'postgres';
