import type { OutboundMessage } from './channel.js';
import type { WebhookFormat } from './webhook-config-schema.js';

/** The content type of each format's body. */
export const webhookContentTypes: Readonly<Record<WebhookFormat, string>> = {
  'standard-webhooks': 'application/json',
  cloudevents: 'application/cloudevents+json; charset=utf-8',
};

/**
 * The JSON body of one attempt. Both formats carry the same `data` object (subject and data are
 * left out when the message has none). Standard Webhooks: `{type, timestamp, data}`, with the
 * attempt's time as `timestamp`; CloudEvents 1.0 structured mode: the delivery id as `id`, the
 * notification's creation time as `time`, the user as `subject`. Deterministic for a given
 * message, format and `nowMs`.
 */
export function buildWebhookPayload(message: OutboundMessage, format: WebhookFormat, nowMs: number): string {
  const createdAt = new Date(message.createdAtMs).toISOString();
  // JSON.stringify drops keys whose value is undefined, which is how absent subject/data are omitted.
  const data = {
    delivery_id: message.deliveryId,
    notification_id: message.notificationId,
    user_id: message.userId,
    subject: message.subject,
    body: message.body,
    data: message.data,
    created_at: createdAt,
  };
  switch (format) {
    case 'standard-webhooks':
      return JSON.stringify({ type: 'notification', timestamp: new Date(nowMs).toISOString(), data });
    case 'cloudevents':
      return JSON.stringify({
        specversion: '1.0',
        id: message.deliveryId,
        source: 'switchboard',
        type: 'switchboard.notification',
        time: createdAt,
        subject: message.userId,
        datacontenttype: 'application/json',
        data,
      });
    default: {
      const unknownFormat: never = format;
      throw new Error(`unknown webhook format ${String(unknownFormat)}`);
    }
  }
}
