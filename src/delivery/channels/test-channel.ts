import { Type } from 'typebox';
import type { Db } from '../../store/database.js';
import { insertTestDelivery } from '../../store/test-deliveries/insert-test-delivery.js';
import type { Channel } from './channel.js';

/** The TEST channel's destination: the user whose inbox gets the message. */
export interface TestDestination {
  readonly userId: string;
}

/**
 * The TEST channel: "sending" stores the message in test_deliveries (listed by
 * `GET /api/v1/test-deliveries`), keyed by delivery id so a retried attempt stores it once. Every
 * user has a destination. Enabled by default when `delivery.test.enabled` is set.
 */
export function createTestChannel(options: { readonly db: Db; readonly enabled: boolean }): Channel<TestDestination> {
  return {
    type: 'TEST',
    configSchema: Type.Object({ include_agent_info: Type.Optional(Type.Boolean()), label: Type.Optional(Type.String({ maxLength: 200 })) }, { additionalProperties: false }),
    secretKeys: [],
    resolveDestination: (target) => ({ ok: true, destination: { userId: target.userId } }),
    breakerKey: () => 'test',
    async send(message, destination, context) {
      await insertTestDelivery(options.db, {
        delivery_id: message.deliveryId,
        notification_id: message.notificationId,
        user_id: destination.userId,
        subject: message.subject ?? null,
        body: message.body,
        data: message.data === undefined ? null : JSON.stringify(message.data),
        created_at: context.nowMs,
      });
      return { kind: 'sent', providerMessageId: message.deliveryId };
    },
    checkHealth: async () => ({ configured: options.enabled, healthy: true, ...(options.enabled ? {} : { message: 'delivery.test.enabled is false' }) }),
    close: async () => {},
  };
}
