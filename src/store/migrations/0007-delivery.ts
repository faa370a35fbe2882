import type { Kysely, Migration } from 'kysely';

/**
 * Seed 001's integration tables and delivery log, and what the dispatcher needs around them:
 * user profiles (addresses), notifications (one request to notify users), every attempt of every
 * delivery, and the TEST channel's inbox. Overrides exist only for users who override (lazy).
 */
export const migration0007Delivery: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('integration_default_configs')
      .addColumn('integration_type', 'text', (c) => c.primaryKey())
      .addColumn('enabled', 'integer', (c) => c.notNull())
      .addColumn('priority', 'integer', (c) => c.notNull())
      .addColumn('retry_count', 'integer', (c) => c.notNull())
      .addColumn('retry_delay_seconds', 'integer', (c) => c.notNull())
      .addColumn('config', 'text', (c) => c.notNull())
      // 'system': recomputed from configuration and health checks at each start; 'operator': set through the API, kept.
      .addColumn('managed_by', 'text', (c) => c.notNull())
      .addColumn('health', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('user_integration_configs')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('integration_type', 'text', (c) => c.notNull())
      .addColumn('enabled', 'integer', (c) => c.notNull())
      // NULL: the field follows the integration default.
      .addColumn('priority', 'integer')
      .addColumn('retry_count', 'integer')
      .addColumn('retry_delay_seconds', 'integer')
      .addColumn('config', 'text', (c) => c.notNull())
      // AES-256-GCM ciphertext of the JSON object of secret config keys (webhook secret, tokens), or NULL.
      .addColumn('secrets', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addUniqueConstraint('user_integration_configs_user_type', ['user_id', 'integration_type'])
      .execute();

    await db.schema
      .createTable('user_profiles')
      .addColumn('user_id', 'text', (c) => c.primaryKey())
      .addColumn('email', 'text')
      .addColumn('phone', 'text')
      .addColumn('slack_user_id', 'text')
      .addColumn('timezone', 'text')
      .addColumn('webhook_url', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('notifications')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('idempotency_key', 'text', (c) => c.unique())
      .addColumn('origin', 'text', (c) => c.notNull())
      .addColumn('run_id', 'text')
      .addColumn('user_ids', 'text', (c) => c.notNull())
      .addColumn('subject', 'text')
      .addColumn('body', 'text', (c) => c.notNull())
      .addColumn('data', 'text')
      .addColumn('channels', 'text')
      .addColumn('strategy', 'text', (c) => c.notNull())
      // first_success: each user's channels in priority order, so a failed delivery fails over to the next.
      .addColumn('plan', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('delivery_logs')
      .addColumn('delivery_id', 'text', (c) => c.primaryKey())
      .addColumn('notification_id', 'text', (c) => c.notNull())
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('integration_type', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      // Position of this channel in the user's plan for the notification (first_success fails over to sequence + 1).
      .addColumn('sequence', 'integer', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull())
      // Attempts made before the last manual retry: the retry budget counts from here.
      .addColumn('retry_base', 'integer', (c) => c.notNull())
      .addColumn('next_attempt_at', 'bigint')
      .addColumn('last_status_code', 'integer')
      .addColumn('error_code', 'text')
      .addColumn('error_message', 'text')
      .addColumn('provider_message_id', 'text')
      .addColumn('progress', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addColumn('finished_at', 'bigint')
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .execute();
    // Listing newest first per user, per status and per channel; a notification's deliveries.
    await db.schema.createIndex('delivery_logs_user').on('delivery_logs').columns(['user_id', 'delivery_id']).execute();
    await db.schema.createIndex('delivery_logs_status').on('delivery_logs').columns(['status', 'delivery_id']).execute();
    await db.schema.createIndex('delivery_logs_type').on('delivery_logs').columns(['integration_type', 'delivery_id']).execute();
    await db.schema.createIndex('delivery_logs_notification').on('delivery_logs').columns(['notification_id', 'user_id', 'sequence']).execute();

    await db.schema
      .createTable('delivery_attempts')
      .addColumn('delivery_id', 'text', (c) => c.notNull().references('delivery_logs.delivery_id').onDelete('cascade'))
      .addColumn('attempt', 'integer', (c) => c.notNull())
      .addColumn('started_at', 'bigint', (c) => c.notNull())
      .addColumn('latency_ms', 'integer', (c) => c.notNull())
      .addColumn('outcome', 'text', (c) => c.notNull())
      .addColumn('status_code', 'integer')
      .addColumn('error_code', 'text')
      .addColumn('error_message', 'text')
      .addColumn('provider_message_id', 'text')
      .addPrimaryKeyConstraint('delivery_attempts_pk', ['delivery_id', 'attempt'])
      .execute();

    await db.schema
      .createTable('test_deliveries')
      .addColumn('delivery_id', 'text', (c) => c.primaryKey())
      .addColumn('notification_id', 'text', (c) => c.notNull())
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('subject', 'text')
      .addColumn('body', 'text', (c) => c.notNull())
      .addColumn('data', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('test_deliveries_user').on('test_deliveries').columns(['user_id', 'delivery_id']).execute();
  },
};
