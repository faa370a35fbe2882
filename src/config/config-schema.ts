import { Type, type Static } from 'typebox';
import { PolicySchema } from '../agents/builtin/compliance.js';
import { TeamMappingSchema } from '../agents/builtin/meeting-context.js';
import { ActionsConfigSchema } from './actions-config-schema.js';
import { DeliveryConfigSchema } from './delivery-config-schema.js';
import { FlowsConfigSchema } from './flows-config-schema.js';
import { SchedulingConfigSchema } from './scheduling-config-schema.js';

const RateLimit = Type.Object(
  { requests: Type.Integer({ minimum: 1 }), per_seconds: Type.Number({ exclusiveMinimum: 0 }) },
  { additionalProperties: false },
);

/**
 * Everything Switchboard can be configured with. File keys are snake_case; environment variables
 * override the file (see docs/configuration.md for the mapping). Defaults live here and only here.
 */
export const ConfigSchema = Type.Object(
  {
    server: Type.Object(
      {
        host: Type.String({ default: '127.0.0.1', minLength: 1 }),
        port: Type.Integer({ default: 8080, minimum: 0, maximum: 65535 }),
        /** Trust X-Forwarded-* from a proxy in front (true, a hop count, or a list of proxy CIDRs). */
        trust_proxy: Type.Union([Type.Boolean(), Type.Integer({ minimum: 1 }), Type.Array(Type.String())], { default: false }),
        /** The externally visible base URL (e.g. https://hooks.example.com); used for URL-signing schemes like Twilio. */
        public_url: Type.Optional(Type.String({ pattern: '^https?://' })),
        /** How long in-flight requests may take to finish on shutdown. */
        shutdown_timeout_ms: Type.Integer({ default: 10_000, minimum: 0 }),
        /** Largest body the management API accepts (receive endpoints use each endpoint's max_payload_bytes). */
        api_body_limit_bytes: Type.Integer({ default: 1_048_576, minimum: 1024 }),
      },
      { additionalProperties: false, default: {} },
    ),
    data_dir: Type.String({ default: './data', minLength: 1 }),
    database_url: Type.Optional(Type.String({ pattern: '^postgres(ql)?://' })),
    redis_url: Type.Optional(Type.String({ pattern: '^rediss?://' })),
    admin_key: Type.Optional(Type.String({ minLength: 16 })),
    secret_key: Type.Optional(Type.String({ minLength: 1 })),
    log_level: Type.Union(
      [Type.Literal('fatal'), Type.Literal('error'), Type.Literal('warn'), Type.Literal('info'), Type.Literal('debug'), Type.Literal('trace'), Type.Literal('silent')],
      { default: 'info' },
    ),
    store: Type.Object(
      {
        /** SQLite `synchronous` pragma: FULL survives power loss; NORMAL survives process crashes only. */
        sqlite_synchronous: Type.Union([Type.Literal('FULL'), Type.Literal('NORMAL'), Type.Literal('OFF')], { default: 'FULL' }),
        /** PostgreSQL connection pool size per process. */
        pool_size: Type.Integer({ default: 10, minimum: 1, maximum: 200 }),
        /** PostgreSQL schema to use (created if missing). */
        pg_schema: Type.String({ default: 'public', pattern: '^[a-z_][a-z0-9_]*$' }),
      },
      { additionalProperties: false, default: {} },
    ),
    ingest: Type.Object(
      {
        /** Most webhooks committed in one transaction (group commit). */
        batch_max_size: Type.Integer({ default: 256, minimum: 1, maximum: 2000 }),
        /**
         * Batches committing at once. Unset: 2 on SQLite (one queued behind the writer thread's
         * current batch) and 1 on PostgreSQL (measured: one in flight lets batches grow, and
         * fewer, larger statements beat more concurrent ones on the ingest benchmark).
         */
        concurrent_commits: Type.Optional(Type.Integer({ minimum: 1, maximum: 64 })),
      },
      { additionalProperties: false, default: {} },
    ),
    webhooks: Type.Object(
      {
        default_max_payload_bytes: Type.Integer({ default: 10 * 1024 * 1024, minimum: 1 }),
        default_tolerance_seconds: Type.Integer({ default: 300, minimum: 1 }),
        /** Applied to endpoints registered without their own rate_limit; unset means no limit. */
        default_rate_limit: Type.Optional(RateLimit),
        /** How long another instance's endpoint changes may take to be seen here (PostgreSQL deployments). */
        endpoint_cache_ttl_ms: Type.Integer({ default: 5000, minimum: 0 }),
        /** Grace period for the previous secret after a rotation, unless the request names one. */
        rotation_grace_seconds: Type.Integer({ default: 86_400, minimum: 0 }),
        /** Days a request-log row is kept (0 keeps them forever); counters and events are not affected. */
        request_log_retention_days: Type.Number({ default: 30, minimum: 0 }),
      },
      { additionalProperties: false, default: {} },
    ),
    /**
     * Routes (src/routing/route-definition.ts, docs/routes.md), upserted with origin 'config' at start.
     * Only their being mappings is checked here: start-up validates each in full (JSONata, agents,
     * step references) and stops with a ConfigError naming the route, the step and the reason.
     */
    routes: Type.Array(Type.Record(Type.String(), Type.Unknown()), { default: [] }),
    /**
     * Webhook endpoints declared in the file, in the registration body's shape (docs/webhooks.md),
     * created or brought in line with the file at each start. Checked in full at start; a bad one
     * stops start-up naming it. Secrets belong in the environment: `secret: ${CHAINSYNC_WEBHOOK_SECRET}`.
     */
    endpoints: Type.Array(Type.Record(Type.String(), Type.Unknown()), { default: [] }),
    /** The runs engine: the worker that executes runs from the job queue, and step retry defaults. */
    runs: Type.Object(
      {
        /** false: this process ingests and serves the API but executes no runs (another process does). */
        worker: Type.Boolean({ default: true }),
        /** Runs executing at once in this process. */
        concurrency: Type.Integer({ default: 256, minimum: 1, maximum: 10_000 }),
        /** How long a claimed run job stays claimed without renewal; a dead process's runs resume after it. */
        lease_ms: Type.Integer({ default: 30_000, minimum: 100 }),
        /** Fallback claim interval; wake-ups (in-process, or LISTEN/NOTIFY on PostgreSQL) normally come first. */
        poll_interval_ms: Type.Integer({ default: 1_000, minimum: 10 }),
        /** Attempts of an agent or action step before its run is dead-lettered (a step's `retry` overrides). */
        max_attempts: Type.Integer({ default: 5, minimum: 1, maximum: 100 }),
        /** Backoff before the second attempt; doubles each attempt, full jitter, capped by max_delay_ms. */
        base_delay_ms: Type.Integer({ default: 1_000, minimum: 0 }),
        max_delay_ms: Type.Integer({ default: 300_000, minimum: 0 }),
        /** A step that took at least this long is committed before the next step starts. */
        checkpoint_after_ms: Type.Integer({ default: 100, minimum: 0 }),
        /** How often this process checks the store for route changes made through another process's API (0: never). */
        route_refresh_ms: Type.Integer({ default: 1_000, minimum: 0 }),
        /** How long shutdown waits for running runs to commit before leaving them to their leases; keep it below server.shutdown_timeout_ms. */
        drain_timeout_ms: Type.Integer({ default: 5_000, minimum: 0 }),
      },
      { additionalProperties: false, default: {} },
    ),
    /**
     * An OpenAI-compatible chat-completions endpoint for the agents that have an LLM path (rca,
     * intent). Unset: every agent runs its deterministic logic, marked `fallback: true`.
     */
    llm: Type.Optional(
      Type.Object(
        {
          /** API root; requests go to `<base_url>/chat/completions` (e.g. http://localhost:11434/v1). */
          base_url: Type.String({ pattern: '^https?://' }),
          model: Type.String({ minLength: 1 }),
          api_key: Type.Optional(Type.String({ minLength: 1 })),
          /** Budget of one agent's LLM call, tool round trips included. */
          timeout_ms: Type.Integer({ default: 15_000, minimum: 1, maximum: 600_000 }),
          /** Model round trips per call (tool calls included). */
          max_steps: Type.Integer({ default: 5, minimum: 1, maximum: 20 }),
          breaker: Type.Object(
            {
              /** Consecutive failed calls (errors and timeouts) that open the breaker. */
              failure_threshold: Type.Integer({ default: 5, minimum: 1 }),
              /** How long an open breaker fails calls at once before letting one trial call through. */
              half_open_after_ms: Type.Integer({ default: 30_000, minimum: 0 }),
            },
            { additionalProperties: false, default: {} },
          ),
        },
        { additionalProperties: false },
      ),
    ),
    /** Custom agents and the defaults of the built-in agents (docs/agents.md). */
    agents: Type.Object(
      {
        /** JS/TS modules exporting custom agents (default export and/or `agents`); relative paths are relative to the config file. */
        modules: Type.Array(Type.String({ minLength: 1 }), { default: [] }),
        /** Compliance policies used when a step gives none (else the built-in set). Conditions are compiled at start-up. */
        policies: Type.Optional(Type.Array(Type.Object(PolicySchema.properties, { additionalProperties: false }))),
        /** Critical systems for triage and compliance when a step gives none. */
        critical_systems: Type.Optional(Type.Array(Type.String({ minLength: 1 }))),
        /** meeting_context's attendees (on-call / team mapping) when a step gives none. */
        team_mapping: Type.Optional(Type.Object(TeamMappingSchema.properties, { additionalProperties: false })),
      },
      { additionalProperties: false, default: {} },
    ),
    /** Notifications, integration defaults and the delivery channels (docs/delivery.md). */
    delivery: DeliveryConfigSchema,
    /** The built-in actions' external services: Slotify, ChainSync, Calendly, WhatsApp (docs/actions.md). */
    actions: ActionsConfigSchema,
    /** When meetings for alerts are held: urgency deadlines and attendees' working hours (docs/chainsync.md). */
    scheduling: SchedulingConfigSchema,
    /** The seed systems' flows, built in: enabling one installs its endpoints and routes (docs/chainsync.md, docs/leads.md). */
    flows: FlowsConfigSchema,
  },
  { additionalProperties: false },
);

export type SwitchboardConfig = Static<typeof ConfigSchema>;
