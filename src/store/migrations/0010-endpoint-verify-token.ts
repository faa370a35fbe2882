import type { Kysely, Migration } from 'kysely';

/**
 * An endpoint's subscription verify token (Meta's `hub.verify_token`), stored hashed like the API
 * key: the GET handshake compares hashes, so the token itself is never kept.
 */
export const migration0010EndpointVerifyToken: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('webhook_endpoints').addColumn('verify_token_hash', 'text').execute();
  },
};
