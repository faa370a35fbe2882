import type { Kysely, Migration } from 'kysely';

/**
 * The seed systems' own records. Seed 000: `alerts` (each alert's analysis: RCA, compliance, whether
 * a meeting was created) and `meetings` (Slotify meetings with their briefing and status); its
 * `learning_data` is migration 0005. Seed 003: `leads` (one per person who wrote in, per user and
 * platform, with where their meeting stands) and `platform_integrations` (each user's Calendly and
 * WhatsApp credentials, encrypted, with settings and counters).
 */
export const migration0012SeedFlows: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('alerts')
      .addColumn('alert_id', 'text', (c) => c.primaryKey())
      .addColumn('event_id', 'text')
      .addColumn('alert_type', 'text')
      .addColumn('severity', 'text')
      .addColumn('description', 'text')
      .addColumn('affected_systems', 'text', (c) => c.notNull())
      .addColumn('detected_at', 'text')
      .addColumn('urgency_level', 'text')
      .addColumn('urgency_score', 'real')
      .addColumn('root_cause', 'text')
      .addColumn('rca', 'text')
      .addColumn('compliance_status', 'text')
      .addColumn('compliance', 'text')
      .addColumn('meeting_created', 'integer', (c) => c.notNull())
      .addColumn('meeting_id', 'text')
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('alerts_created').on('alerts').columns(['created_at', 'alert_id']).execute();

    await db.schema
      .createTable('meetings')
      .addColumn('meeting_id', 'text', (c) => c.primaryKey())
      // One meeting per alert: a repeated alert finds the meeting it already has.
      .addColumn('alert_id', 'text', (c) => c.unique())
      .addColumn('meeting_url', 'text', (c) => c.notNull())
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('description', 'text')
      .addColumn('scheduled_time', 'text')
      .addColumn('duration_minutes', 'integer')
      .addColumn('attendees', 'text', (c) => c.notNull())
      .addColumn('urgency_level', 'text')
      .addColumn('why_scheduled', 'text')
      .addColumn('discussion_points', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('meetings_created').on('meetings').columns(['created_at', 'meeting_id']).execute();

    await db.schema
      .createTable('leads')
      .addColumn('lead_id', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('platform', 'text', (c) => c.notNull())
      // The lead's address on the platform (a WhatsApp wa_id, a phone number).
      .addColumn('contact', 'text', (c) => c.notNull())
      .addColumn('name', 'text')
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('intent', 'text')
      .addColumn('last_message', 'text')
      .addColumn('booking_url', 'text')
      .addColumn('fallback', 'integer', (c) => c.notNull())
      .addColumn('calendly_event_uri', 'text')
      .addColumn('meeting_start', 'text')
      .addColumn('email', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addUniqueConstraint('leads_user_platform_contact', ['user_id', 'platform', 'contact'])
      .execute();
    await db.schema.createIndex('leads_user').on('leads').columns(['user_id', 'created_at']).execute();

    await db.schema
      .createTable('platform_integrations')
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('platform', 'text', (c) => c.notNull())
      // AES-256-GCM ciphertext (crypto/secret-box) of the JSON credentials, or null.
      .addColumn('credentials', 'text')
      .addColumn('settings', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('health', 'text')
      .addColumn('meetings_scheduled', 'integer', (c) => c.notNull())
      .addColumn('links_created', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('platform_integrations_pk', ['user_id', 'platform'])
      .execute();
  },
};
