import type { Kysely, Migration } from 'kysely';

/** Webhook endpoints and their secrets, the event log, the request log and per-endpoint counters. */
export const migration0001Foundation: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('webhook_endpoints')
      .addColumn('endpoint_id', 'text', (c) => c.primaryKey())
      .addColumn('url', 'text')
      .addColumn('path', 'text', (c) => c.unique())
      .addColumn('events', 'text', (c) => c.notNull())
      .addColumn('retry_config', 'text')
      .addColumn('verification', 'text', (c) => c.notNull())
      .addColumn('api_key_hash', 'text')
      .addColumn('ip_allowlist', 'text', (c) => c.notNull())
      .addColumn('rate_limit', 'text')
      .addColumn('idempotency', 'text')
      .addColumn('event_type', 'text')
      .addColumn('max_payload_bytes', 'bigint', (c) => c.notNull())
      .addColumn('allow_unsigned', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('webhook_endpoint_secrets')
      .addColumn('secret_id', 'text', (c) => c.primaryKey())
      .addColumn('endpoint_id', 'text', (c) => c.notNull().references('webhook_endpoints.endpoint_id').onDelete('cascade'))
      .addColumn('secret_ciphertext', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('expires_at', 'bigint')
      .execute();
    await db.schema.createIndex('webhook_endpoint_secrets_endpoint').on('webhook_endpoint_secrets').column('endpoint_id').execute();

    await db.schema
      .createTable('events')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('subject', 'text')
      .addColumn('time', 'text', (c) => c.notNull())
      .addColumn('received_at', 'bigint', (c) => c.notNull())
      .addColumn('datacontenttype', 'text', (c) => c.notNull())
      .addColumn('data', 'text')
      .addColumn('data_base64', 'text')
      .addColumn('extensions', 'text', (c) => c.notNull())
      .addColumn('idempotency_key', 'text')
      .execute();
    // NULL keys never collide, so events without an idempotency key are never deduplicated.
    await db.schema.createIndex('events_source_idempotency').on('events').columns(['source', 'idempotency_key']).unique().execute();
    await db.schema.createIndex('events_source_id').on('events').columns(['source', 'id']).execute();
    await db.schema.createIndex('events_type_id').on('events').columns(['type', 'id']).execute();

    await db.schema
      .createTable('webhook_request_logs')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('endpoint_id', 'text', (c) => c.notNull())
      .addColumn('received_at', 'bigint', (c) => c.notNull())
      .addColumn('request_id', 'text', (c) => c.notNull())
      .addColumn('client_ip', 'text', (c) => c.notNull())
      .addColumn('method', 'text', (c) => c.notNull())
      .addColumn('path', 'text', (c) => c.notNull())
      .addColumn('outcome', 'text', (c) => c.notNull())
      .addColumn('reason', 'text')
      .addColumn('status_code', 'integer', (c) => c.notNull())
      .addColumn('latency_ms', 'double precision', (c) => c.notNull())
      .addColumn('event_id', 'text')
      .addColumn('headers', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('webhook_request_logs_endpoint_id').on('webhook_request_logs').columns(['endpoint_id', 'id']).execute();

    await db.schema
      .createTable('webhook_endpoint_stats')
      .addColumn('endpoint_id', 'text', (c) => c.notNull())
      .addColumn('outcome', 'text', (c) => c.notNull())
      .addColumn('reason', 'text', (c) => c.notNull())
      // Concurrent writers add to different shards, so counting never serializes their commits.
      .addColumn('shard', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('count', 'bigint', (c) => c.notNull())
      .addColumn('last_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('webhook_endpoint_stats_pk', ['endpoint_id', 'outcome', 'reason', 'shard'])
      .execute();
  },
};
