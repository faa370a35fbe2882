import { Type, type Static } from 'typebox';

/** The request formats a webhook can be sent in. */
export const webhookFormats = ['standard-webhooks', 'cloudevents'] as const;

export type WebhookFormat = (typeof webhookFormats)[number];

/**
 * The WEBHOOK channel's keys in a user override's or a default's `config`. Every key is optional:
 * the URL falls back to the profile's `webhook_url`, the format and timeout to `delivery.webhook`.
 */
export const WebhookConfigSchema = Type.Object(
  {
    url: Type.Optional(Type.String({ maxLength: 2048, pattern: '^https?://', description: 'Where notifications are POSTed (http or https); default: the profile webhook_url.' })),
    secret: Type.Optional(
      Type.String({
        maxLength: 256,
        // `whsec_` + standard base64 of at least 12 bytes, as the Standard Webhooks libraries generate and read it.
        pattern: '^whsec_(?:[A-Za-z0-9+/]{4}){4,}(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$',
        description: 'Standard Webhooks signing secret (whsec_ + base64); without one requests are unsigned.',
      }),
    ),
    format: Type.Optional(Type.Union([Type.Literal('standard-webhooks'), Type.Literal('cloudevents')], { description: 'Request format; default: delivery.webhook.format.' })),
    timeout_ms: Type.Optional(Type.Integer({ minimum: 1, maximum: 60_000, description: 'Per-attempt timeout; default: delivery.webhook.timeout_ms.' })),
  },
  { additionalProperties: false },
);

export type WebhookConfig = Static<typeof WebhookConfigSchema>;
