import { Type, type Static } from 'typebox';

const Retry = Type.Object(
  {
    max_attempts: Type.Integer({ default: 50, minimum: 1, maximum: 100 }),
    base_delay_ms: Type.Integer({ default: 2_000, minimum: 0 }),
    max_delay_ms: Type.Integer({ default: 300_000, minimum: 0 }),
  },
  { additionalProperties: false, default: {} },
);

/**
 * The seed systems' flows, built in (docs/chainsync.md, docs/leads.md). Enabling one installs its
 * endpoints and routes at start, as if they were declared under `endpoints:` and `routes:`; their
 * actions' services are set under `actions.*`.
 */
export const FlowsConfigSchema = Type.Object(
  {
    /** Seed 000: ChainSync alerts → triage, rca, compliance, meeting_context → a Slotify meeting → ChainSync updated → learning. */
    chainsync: Type.Object(
      {
        enabled: Type.Boolean({ default: false }),
        /** The HMAC key of X-Webhook-Signature (ChainSync's WEBHOOK_SECRET_KEY); also verifies Slotify's meeting webhooks. */
        webhook_secret: Type.Optional(Type.String({ minLength: 8 })),
        /** The X-API-Key ChainSync and Slotify send (WEBHOOK_API_KEY). */
        webhook_api_key: Type.Optional(Type.String({ minLength: 8 })),
        /** How long the alert webhook waits for its run before answering "meeting pending". */
        response_timeout_ms: Type.Integer({ default: 20_000, minimum: 100, maximum: 120_000 }),
        /**
         * Retries of the Slotify and ChainSync calls: with the defaults, about 1.6 hours of a service
         * being down (1.2–2.1 h: the 49 waits are capped at 3.6 h in all, but full jitter draws each below
         * its cap and an open breaker shortens some; docs/chainsync.md#settings).
         */
        retry: Retry,
      },
      { additionalProperties: false, default: {} },
    ),
    /** Seed 003: a WhatsApp message → intent → a single-use Calendly link → the reply; Calendly invitee events update the lead. */
    leads: Type.Object(
      {
        enabled: Type.Boolean({ default: false }),
        /** The Meta app secret that signs WhatsApp webhooks (X-Hub-Signature-256). */
        whatsapp_app_secret: Type.Optional(Type.String({ minLength: 8 })),
        /** The verify token of the WhatsApp webhook subscription (hub.verify_token). */
        whatsapp_verify_token: Type.Optional(Type.String({ minLength: 1 })),
        /** The signing key of the Calendly webhook subscription (Calendly-Webhook-Signature). */
        calendly_signing_key: Type.Optional(Type.String({ minLength: 8 })),
        /** The reply to a meeting request; `{booking_url}` and `{name}` are filled in. */
        reply_template: Type.String({ default: 'Hi {name}, thanks for reaching out! Pick a time that suits you here: {booking_url}', minLength: 1 }),
        retry: Retry,
      },
      { additionalProperties: false, default: {} },
    ),
  },
  { additionalProperties: false, default: {} },
);

export type FlowsConfig = Static<typeof FlowsConfigSchema>;
