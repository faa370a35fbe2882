import type { Dialect } from '../../src/store/database.js';
import { commitIngestBatch, type IngestItem, type IngestResult } from '../../src/store/events/commit-ingest-batch.js';
import { commitIngestBatchPostgres } from '../../src/store/events/commit-ingest-batch-postgres.js';
import { SqliteIngestWriter } from '../../src/store/sqlite-writer/sqlite-ingest-writer.js';
import type { Store } from '../../src/store/store.js';
import { dialects } from '../support/test-database.js';

/** One way of committing ingest batches to an open store; an Error in an item's place means that item alone failed. */
export interface IngestCommit {
  commit(items: readonly IngestItem[]): Promise<ReadonlyArray<IngestResult | Error>>;
  close(): Promise<void>;
}

/** Every implementation of the ingest commit, paired with each dialect it runs on; all must agree. */
export const ingestCommits: ReadonlyArray<{ readonly name: string; readonly dialect: Dialect; open(store: Store): IngestCommit }> = [
  ...dialects.map((dialect) => ({
    name: 'Kysely',
    dialect,
    open: (store: Store): IngestCommit => ({ commit: (items) => commitIngestBatch(store.db, items), close: async () => {} }),
  })),
  {
    name: 'unnest',
    dialect: 'postgres',
    open: (store: Store): IngestCommit => ({ commit: (items) => commitIngestBatchPostgres(store.db, items), close: async () => {} }),
  },
  {
    name: 'writer thread',
    dialect: 'sqlite',
    open: (store) => {
      if (store.sqliteFile === undefined) throw new Error('The writer thread needs a SQLite store');
      const writer = new SqliteIngestWriter({ file: store.sqliteFile.path, synchronous: store.sqliteFile.synchronous });
      return { commit: (items) => writer.commit(items), close: () => writer.close() };
    },
  },
];
