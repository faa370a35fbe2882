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
  /** Hash (crypto/hash-api-key) of the subscription verify token Meta's GET handshake presents, or null. */
  verify_token_hash?: string | null;
  /** JSON `{json_pointer, max_items}`: a request whose body holds an array there becomes one event per item; null: one event per request. */
  split?: string | null;
  /** JSON string[] of media type globs (`application/json`, `*+json`): the only bodies the endpoint accepts (others 415); null: every type Switchboard reads. */
  content_types?: string | null;
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

/** 'system': recomputed from configuration and health checks at each start; 'operator': set through the API and kept. */
export type DefaultsManager = 'system' | 'operator';

/** Seed 001's integration_default_configs: one row per integration type. */
export interface IntegrationDefaultConfigsTable {
  integration_type: string;
  enabled: number;
  priority: number;
  retry_count: number;
  retry_delay_seconds: number;
  config: string; // JSON object
  managed_by: DefaultsManager;
  /** JSON ChannelHealth from the last start, or null. */
  health: string | null;
  created_at: number;
  updated_at: number;
}

/** Seed 001's user_integration_configs: exists only for users who override a default. */
export interface UserIntegrationConfigsTable {
  id: string;
  user_id: string;
  integration_type: string;
  enabled: number;
  /** null: follows the integration default. */
  priority: number | null;
  retry_count: number | null;
  retry_delay_seconds: number | null;
  config: string; // JSON object, secret keys removed
  /** Ciphertext (crypto/secret-box) of the JSON object of the secret config keys, or null. */
  secrets: string | null;
  created_at: number;
  updated_at: number;
}

export interface UserProfilesTable {
  user_id: string;
  email: string | null;
  phone: string | null;
  slack_user_id: string | null;
  timezone: string | null;
  webhook_url: string | null;
  created_at: number;
  updated_at: number;
}

export type NotificationOrigin = 'api' | 'run';

export interface NotificationsTable {
  id: string;
  /** Unique when set: the same key never creates deliveries twice. Runs use `run:<run id>:<step name>`. */
  idempotency_key: string | null;
  origin: NotificationOrigin;
  run_id: string | null;
  user_ids: string; // JSON string[]
  subject: string | null;
  body: string;
  data: string | null; // JSON
  channels: string | null; // JSON IntegrationType[] the request restricted delivery to
  strategy: 'all' | 'first_success';
  /** JSON Record<user id, IntegrationType[]>: each user's channels in priority order when the notification was created. */
  plan: string;
  created_at: number;
}

/** Seed 001's delivery_logs statuses. */
export type DeliveryStatus = 'PENDING' | 'RETRYING' | 'SUCCESS' | 'FAILED' | 'EXPIRED';

/** Seed 001's delivery_logs: one delivery per recipient and channel. PENDING | RETRYING → SUCCESS | FAILED | EXPIRED; FAILED | EXPIRED → PENDING (retry). */
export interface DeliveryLogsTable {
  delivery_id: string;
  notification_id: string;
  user_id: string;
  integration_type: string;
  status: DeliveryStatus;
  sequence: number;
  attempts: number;
  retry_base: number;
  next_attempt_at: number | null;
  last_status_code: number | null;
  error_code: string | null;
  error_message: string | null;
  provider_message_id: string | null;
  progress: string | null; // JSON, what a channel keeps between attempts
  created_at: number;
  updated_at: number;
  finished_at: number | null;
  expires_at: number;
}

/** Every attempt of every delivery. */
export interface DeliveryAttemptsTable {
  delivery_id: string;
  attempt: number;
  started_at: number;
  latency_ms: number;
  outcome: 'sent' | 'failed';
  status_code: number | null;
  error_code: string | null;
  error_message: string | null;
  provider_message_id: string | null;
}

/** What the TEST channel received. */
export interface TestDeliveriesTable {
  delivery_id: string;
  notification_id: string;
  user_id: string;
  subject: string | null;
  body: string;
  data: string | null;
  created_at: number;
}

/** Seed 000's alerts: one row per ChainSync alert, with what the agents found. */
export interface AlertsTable {
  alert_id: string;
  /** The event the alert arrived as. */
  event_id: string | null;
  alert_type: string | null;
  severity: string | null;
  description: string | null;
  affected_systems: string; // JSON string[]
  detected_at: string | null;
  urgency_level: string | null;
  urgency_score: number | null;
  root_cause: string | null;
  rca: string | null; // JSON, the rca agent's output
  /** COMPLIANT | NON_COMPLIANT */
  compliance_status: string | null;
  compliance: string | null; // JSON, the compliance agent's output
  meeting_created: number;
  meeting_id: string | null;
  /** analyzed → meeting_scheduled → chainsync_updated (meeting_pending while Slotify cannot be reached). */
  status: string;
  created_at: number;
  updated_at: number;
}

/** Seed 000's meetings: Slotify meetings created for alerts. */
export interface MeetingsTable {
  meeting_id: string;
  alert_id: string | null;
  meeting_url: string;
  title: string;
  description: string | null;
  scheduled_time: string | null;
  duration_minutes: number | null;
  attendees: string; // JSON string[]
  urgency_level: string | null;
  why_scheduled: string | null;
  discussion_points: string; // JSON string[]
  /** scheduled | completed | cancelled */
  status: string;
  created_at: number;
  updated_at: number;
}

/** Seed 003's leads: someone who wrote to a user on a platform, and where their meeting stands. */
export interface LeadsTable {
  lead_id: string;
  user_id: string;
  platform: string;
  contact: string;
  name: string | null;
  /** new → link_sent → scheduled | canceled */
  status: string;
  intent: string | null;
  last_message: string | null;
  booking_url: string | null;
  fallback: number;
  calendly_event_uri: string | null;
  meeting_start: string | null;
  email: string | null;
  created_at: number;
  updated_at: number;
}

/** The Calendly events whose cancellation each lead has seen: a booking of one never schedules the lead again. */
export interface LeadCanceledEventsTable {
  lead_id: string;
  calendly_event_uri: string;
  canceled_at: number;
}

/** Seed 003's per-user platform connections (calendly, whatsapp). */
export interface PlatformIntegrationsTable {
  user_id: string;
  platform: string;
  /** Ciphertext of the JSON credentials (tokens); never returned. */
  credentials: string | null;
  settings: string; // JSON
  status: string;
  health: string | null; // JSON of the last health check
  meetings_scheduled: number;
  links_created: number;
  created_at: number;
  updated_at: number;
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
  integration_default_configs: IntegrationDefaultConfigsTable;
  user_integration_configs: UserIntegrationConfigsTable;
  user_profiles: UserProfilesTable;
  notifications: NotificationsTable;
  delivery_logs: DeliveryLogsTable;
  delivery_attempts: DeliveryAttemptsTable;
  test_deliveries: TestDeliveriesTable;
  alerts: AlertsTable;
  meetings: MeetingsTable;
  leads: LeadsTable;
  lead_canceled_events: LeadCanceledEventsTable;
  platform_integrations: PlatformIntegrationsTable;
}

/** A connection or a transaction: store functions take either, and the caller owns the transaction. */
export type Db = Kysely<Database> | Transaction<Database>;

export type Dialect = 'sqlite' | 'postgres';
