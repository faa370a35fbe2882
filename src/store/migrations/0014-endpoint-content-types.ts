import type { Kysely, Migration } from 'kysely';

/** An endpoint's `content_types` (JSON string[] of media type globs): the bodies it accepts; null: every type Switchboard reads. */
export const migration0014EndpointContentTypes: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('webhook_endpoints').addColumn('content_types', 'text').execute();
  },
};
