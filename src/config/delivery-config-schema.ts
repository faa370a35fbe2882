import { Type, type Static } from 'typebox';

/** A default's fields an operator may set in the config file, over the built-in table (seed 001). */
const DefaultSettings = Type.Object(
  {
    enabled: Type.Optional(Type.Boolean()),
    priority: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
    retry_count: Type.Optional(Type.Integer({ minimum: 0, maximum: 50 })),
    retry_delay_seconds: Type.Optional(Type.Integer({ minimum: 0, maximum: 86_400 })),
    config: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  },
  { additionalProperties: false },
);

const Timeout = (defaultMs: number) => Type.Integer({ default: defaultMs, minimum: 1, maximum: 300_000 });

/**
 * The delivery dispatcher and its channels (docs/delivery.md). Channel credentials are system
 * settings; what each user receives comes from integration defaults and that user's overrides.
 */
export const DeliveryConfigSchema = Type.Object(
  {
    /** false: this process accepts notifications but sends nothing (another process does). */
    worker: Type.Boolean({ default: true }),
    /** Deliveries being sent at once in this process. */
    concurrency: Type.Integer({ default: 128, minimum: 1, maximum: 10_000 }),
    lease_ms: Type.Integer({ default: 30_000, minimum: 100 }),
    poll_interval_ms: Type.Integer({ default: 1_000, minimum: 10 }),
    /** Allow outbound requests to user-given URLs on private, loopback and link-local addresses (off in production). */
    allow_private_networks: Type.Boolean({ default: false }),
    /** A delivery not sent this long after it was created becomes EXPIRED instead of being tried again. */
    expire_after_seconds: Type.Integer({ default: 86_400, minimum: 1 }),
    /** The longest backoff between two attempts. A provider's Retry-After may ask for longer and is honoured, up to the delivery's expiry. */
    max_retry_delay_seconds: Type.Integer({ default: 3_600, minimum: 0 }),
    /** One breaker per destination (a webhook origin, the Slack API, the SMTP server, the Twilio account). */
    breaker: Type.Object(
      {
        /** Consecutive retryable failures that open a destination's breaker. */
        failure_threshold: Type.Integer({ default: 5, minimum: 1 }),
        /** How long an open breaker holds deliveries before one trial attempt goes through. */
        half_open_after_ms: Type.Integer({ default: 60_000, minimum: 0 }),
      },
      { additionalProperties: false, default: {} },
    ),
    /**
     * How long a user's overrides and profile are kept in memory for planning notifications (0: read
     * the store every time). This process's own changes apply at once; another process's within this
     * time. Sending always reads the store.
     */
    recipient_cache_ms: Type.Integer({ default: 5_000, minimum: 0 }),
    /** How often this process rereads the integration defaults (changed through another process's API). */
    defaults_refresh_ms: Type.Integer({ default: 5_000, minimum: 0 }),
    /** Fields over the built-in defaults (priority, retries, enabled, config), per integration type. */
    defaults: Type.Object(
      {
        SLACK: Type.Optional(DefaultSettings),
        EMAIL: Type.Optional(DefaultSettings),
        WEBHOOK: Type.Optional(DefaultSettings),
        SMS: Type.Optional(DefaultSettings),
        TEST: Type.Optional(DefaultSettings),
      },
      { additionalProperties: false, default: {} },
    ),
    slack: Type.Object(
      {
        /** A bot token (xoxb-…) for chat.postMessage. */
        bot_token: Type.Optional(Type.String({ minLength: 1 })),
        /** An incoming-webhook URL, used when there is no bot token (or the user's config names one). */
        webhook_url: Type.Optional(Type.String({ pattern: '^https?://' })),
        /** The Web API root; methods are called at `<base_url>/api/<method>`. */
        base_url: Type.String({ default: 'https://slack.com', pattern: '^https?://' }),
        /** Where messages go for users with no Slack id or channel of their own. */
        default_channel: Type.Optional(Type.String({ minLength: 1 })),
        timeout_ms: Timeout(10_000),
      },
      { additionalProperties: false, default: {} },
    ),
    email: Type.Object(
      {
        /** The SMTP server; EMAIL is enabled by default when it is set. */
        host: Type.Optional(Type.String({ minLength: 1 })),
        port: Type.Integer({ default: 587, minimum: 1, maximum: 65_535 }),
        /** true: TLS from the first byte (port 465); false: STARTTLS when the server offers it. */
        secure: Type.Boolean({ default: false }),
        /** Refuse to send unless the connection is upgraded with STARTTLS. */
        require_tls: Type.Boolean({ default: false }),
        user: Type.Optional(Type.String({ minLength: 1 })),
        password: Type.Optional(Type.String({ minLength: 1 })),
        /** The From header, e.g. "Switchboard <alerts@example.com>". */
        from: Type.String({ default: 'Switchboard <switchboard@localhost>', minLength: 3 }),
        /** Pooled SMTP connections. */
        max_connections: Type.Integer({ default: 5, minimum: 1, maximum: 100 }),
        timeout_ms: Timeout(15_000),
      },
      { additionalProperties: false, default: {} },
    ),
    sms: Type.Object(
      {
        /** Twilio account SID (AC…). SMS stays disabled by default even when set; enable it per user or in the defaults. */
        account_sid: Type.Optional(Type.String({ minLength: 1 })),
        auth_token: Type.Optional(Type.String({ minLength: 1 })),
        /** The sending number (E.164); or messaging_service_sid. */
        from_number: Type.Optional(Type.String({ minLength: 1 })),
        messaging_service_sid: Type.Optional(Type.String({ minLength: 1 })),
        /** The Twilio REST API root. */
        base_url: Type.String({ default: 'https://api.twilio.com', pattern: '^https?://' }),
        /** Longest text of one Message request (Twilio accepts 1,600 characters); longer texts are split at word boundaries. */
        max_message_length: Type.Integer({ default: 1_600, minimum: 70, maximum: 1_600 }),
        timeout_ms: Timeout(10_000),
      },
      { additionalProperties: false, default: {} },
    ),
    webhook: Type.Object(
      {
        timeout_ms: Timeout(10_000),
        /** The request format when a user's config names none. */
        format: Type.Union([Type.Literal('standard-webhooks'), Type.Literal('cloudevents')], { default: 'standard-webhooks' }),
        /** Open connections per receiver origin. */
        connections_per_origin: Type.Integer({ default: 32, minimum: 1, maximum: 1_024 }),
      },
      { additionalProperties: false, default: {} },
    ),
    test: Type.Object(
      {
        /** The TEST channel stores messages (GET /api/v1/test-deliveries) instead of sending them; enabled by default when true. */
        enabled: Type.Boolean({ default: false }),
      },
      { additionalProperties: false, default: {} },
    ),
  },
  { additionalProperties: false, default: {} },
);

export type DeliveryConfig = Static<typeof DeliveryConfigSchema>;
