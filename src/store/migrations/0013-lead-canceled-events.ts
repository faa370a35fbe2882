import type { Kysely, Migration } from 'kysely';

/**
 * Every Calendly event whose cancellation a lead has seen. A lead keeps only its latest event, so
 * once a canceled lead is sent a new link (`link_sent`) nothing else remembered that the old event
 * was canceled, and a late or redelivered `invitee.created` for it scheduled the lead again and
 * counted a meeting that will not happen.
 */
export const migration0013LeadCanceledEvents: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('lead_canceled_events')
      .addColumn('lead_id', 'text', (c) => c.notNull())
      .addColumn('calendly_event_uri', 'text', (c) => c.notNull())
      .addColumn('canceled_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('lead_canceled_events_pk', ['lead_id', 'calendly_event_uri'])
      .execute();
  },
};
