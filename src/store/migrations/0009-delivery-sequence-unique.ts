import type { Kysely, Migration } from 'kysely';

/**
 * One delivery per (notification, user, position in the user's channel plan). A first_success
 * delivery retried by hand after it had failed over cannot fail over a second time: the next
 * channel's delivery already holds that position, and the failover insert does nothing.
 */
export const migration0009DeliverySequenceUnique: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.dropIndex('delivery_logs_notification').execute();
    await db.schema.createIndex('delivery_logs_notification_sequence').on('delivery_logs').columns(['notification_id', 'user_id', 'sequence']).unique().execute();
  },
};
