import type { Kysely, Migration } from 'kysely';

/**
 * Seed 000's `learning_data`: one row per agent interaction (the learning agent records each alert
 * it processed, with the root cause and the patterns it found). `idempotency_key` is the run step's
 * key, unique, so a retried step records nothing new. `alert_type` is kept lower-cased in a column of
 * its own so recent alerts of one type are one index range on both dialects.
 */
export const migration0005LearningData: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('learning_data')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('idempotency_key', 'text', (c) => c.notNull().unique())
      .addColumn('agent_name', 'text', (c) => c.notNull())
      .addColumn('interaction_type', 'text', (c) => c.notNull())
      .addColumn('alert_id', 'text')
      .addColumn('alert_type', 'text')
      .addColumn('root_cause', 'text')
      .addColumn('input_data', 'text', (c) => c.notNull())
      .addColumn('context_data', 'text', (c) => c.notNull())
      .addColumn('patterns_identified', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
    // Newest first, overall and per alert type; id breaks ties between rows of the same millisecond.
    await db.schema.createIndex('learning_data_created').on('learning_data').columns(['created_at', 'id']).execute();
    await db.schema.createIndex('learning_data_alert_type').on('learning_data').columns(['alert_type', 'created_at', 'id']).execute();
  },
};
