import SqliteDatabase from 'better-sqlite3';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/store.js';
import { openTestStore } from '../support/test-database.js';

// The store's SQLite transactions begin IMMEDIATE: a read-then-write transaction on the main
// connection cannot be overtaken by another connection (the ingest writer thread), which would make
// its write fail with SQLITE_BUSY_SNAPSHOT whatever the busy_timeout.
describe('SQLite store transactions', () => {
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await close?.();
    close = undefined;
  });

  it('hold the write lock from their start: another connection cannot write in between, and the read-then-write commits', async () => {
    const opened = await openTestStore('sqlite');
    close = opened.close;
    const store: Store = opened.store;
    const file = store.sqliteFile?.path;
    if (file === undefined) throw new Error('no SQLite file');
    const other = new SqliteDatabase(file);
    other.pragma('busy_timeout = 0');
    other.exec('create table probe (k text primary key)');
    try {
      await store.db.transaction().execute(async (trx) => {
        await sql`select k from probe`.execute(trx);
        // The other connection's write would have been let in by a deferred BEGIN, staling this snapshot.
        expect(() => other.prepare("insert into probe (k) values ('other')").run()).toThrow(/SQLITE_BUSY|database is locked/);
        await sql`insert into probe (k) values ('mine')`.execute(trx);
      });
    } finally {
      other.close();
    }
    expect((await sql<{ k: string }>`select k from probe`.execute(store.db)).rows).toEqual([{ k: 'mine' }]);
  });
});
