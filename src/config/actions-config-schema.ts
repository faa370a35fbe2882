import { Type, type Static } from 'typebox';

const Breaker = Type.Object(
  {
    /** Consecutive failed calls (errors, timeouts, 5xx) that open the service's breaker. */
    failure_threshold: Type.Integer({ default: 5, minimum: 1 }),
    /** How long an open breaker fails calls at once before one trial call goes through. */
    half_open_after_ms: Type.Integer({ default: 30_000, minimum: 0 }),
  },
  { additionalProperties: false, default: {} },
);
const Timeout = Type.Integer({ default: 10_000, minimum: 1, maximum: 300_000 });

/**
 * The built-in actions' external services (docs/actions.md). Base URLs and credentials are the
 * operator's; each call carries its run step's idempotency key, the run engine retries failed calls
 * with the step's backoff, and each service has one circuit breaker per process.
 */
export const ActionsConfigSchema = Type.Object(
  {
    /** Slotify (meetings): create, get, update, cancel and list meetings. Unset base_url: the slotify.* actions fail with not_configured. */
    slotify: Type.Object(
      {
        base_url: Type.Optional(Type.String({ pattern: '^https?://' })),
        api_key: Type.Optional(Type.String({ minLength: 1 })),
        timeout_ms: Timeout,
        breaker: Breaker,
      },
      { additionalProperties: false, default: {} },
    ),
    /** ChainSync (alerts): update an alert's status. */
    chainsync: Type.Object(
      {
        base_url: Type.Optional(Type.String({ pattern: '^https?://' })),
        api_key: Type.Optional(Type.String({ minLength: 1 })),
        timeout_ms: Timeout,
        breaker: Breaker,
      },
      { additionalProperties: false, default: {} },
    ),
    /** Calendly: single-use scheduling links. A user's own token (PUT /api/integrations/calendly) wins over access_token. */
    calendly: Type.Object(
      {
        base_url: Type.String({ default: 'https://api.calendly.com', pattern: '^https?://' }),
        /** A default personal access token, for users without one of their own. */
        access_token: Type.Optional(Type.String({ minLength: 1 })),
        /** The link handed out when Calendly is not configured or failing (fallback: true). */
        fallback_url: Type.String({ default: 'https://calendly.com/', pattern: '^https?://' }),
        timeout_ms: Timeout,
        breaker: Breaker,
      },
      { additionalProperties: false, default: {} },
    ),
    /** WhatsApp Cloud API: send messages. A user's own token and phone number id (PUT /api/integrations/whatsapp) win over these. */
    whatsapp: Type.Object(
      {
        /** The Graph API root, version included. */
        base_url: Type.String({ default: 'https://graph.facebook.com/v21.0', pattern: '^https?://' }),
        access_token: Type.Optional(Type.String({ minLength: 1 })),
        phone_number_id: Type.Optional(Type.String({ minLength: 1 })),
        timeout_ms: Timeout,
        breaker: Breaker,
      },
      { additionalProperties: false, default: {} },
    ),
  },
  { additionalProperties: false, default: {} },
);

export type ActionsConfig = Static<typeof ActionsConfigSchema>;
