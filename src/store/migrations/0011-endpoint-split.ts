import type { Kysely, Migration } from 'kysely';

/** An endpoint's `split` (JSON `{json_pointer, max_items}`): one request carrying an array becomes one event per item. */
export const migration0011EndpointSplit: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('webhook_endpoints').addColumn('split', 'text').execute();
  },
};
