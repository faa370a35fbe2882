import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deleteConfigRoutesExcept } from '../../src/store/routes/delete-config-routes-except.js';
import { deleteRoute } from '../../src/store/routes/delete-route.js';
import { findRoute } from '../../src/store/routes/find-route.js';
import { insertRoute } from '../../src/store/routes/insert-route.js';
import { listRoutes } from '../../src/store/routes/list-routes.js';
import { replaceRoute } from '../../src/store/routes/replace-route.js';
import { upsertRoute } from '../../src/store/routes/upsert-route.js';
import type { RoutesTable } from '../../src/store/database.js';
import type { Store } from '../../src/store/store.js';
import { dialects, openTestStore } from '../support/test-database.js';

const row = (id: string, overrides: Partial<RoutesTable> = {}): RoutesTable => ({
  id,
  definition: JSON.stringify({ id, match: {}, steps: [] }),
  origin: 'api',
  enabled: 1,
  created_at: 1_700_000_000_000,
  updated_at: 1_700_000_000_000,
  ...overrides,
});

describe.each(dialects)('route store (%s)', (dialect) => {
  let store: Store;
  let close: () => Promise<void>;
  beforeEach(async () => {
    ({ store, close } = await openTestStore(dialect));
  });
  afterEach(async () => {
    await close();
  });

  it('inserts once: a second insert of the same id changes nothing', async () => {
    expect(await insertRoute(store.db, row('a'))).toBe(true);
    expect(await insertRoute(store.db, row('a', { definition: '{"other":true}' }))).toBe(false);
    expect(await findRoute(store.db, 'a')).toEqual(row('a'));
    expect(await findRoute(store.db, 'missing')).toBeUndefined();
  });

  it('upserts, keeping created_at and taking the new origin', async () => {
    await upsertRoute(store.db, row('a'));
    await upsertRoute(store.db, row('a', { definition: '{"v":2}', origin: 'config', enabled: 0, created_at: 5, updated_at: 1_700_000_000_999 }));
    expect(await findRoute(store.db, 'a')).toEqual(row('a', { definition: '{"v":2}', origin: 'config', enabled: 0, updated_at: 1_700_000_000_999 }));
  });

  it('replaces an existing route only, keeping its origin', async () => {
    expect(await replaceRoute(store.db, { id: 'a', definition: '{}', enabled: 1, updatedAt: 1 })).toBe(false);
    await insertRoute(store.db, row('a', { origin: 'config' }));
    expect(await replaceRoute(store.db, { id: 'a', definition: '{"v":2}', enabled: 0, updatedAt: 1_700_000_000_500 })).toBe(true);
    expect(await findRoute(store.db, 'a')).toEqual(row('a', { origin: 'config', definition: '{"v":2}', enabled: 0, updated_at: 1_700_000_000_500 }));
  });

  it('lists in id order and deletes', async () => {
    for (const id of ['c', 'a', 'b']) await insertRoute(store.db, row(id));
    expect((await listRoutes(store.db)).map((r) => r.id)).toEqual(['a', 'b', 'c']);
    expect(await deleteRoute(store.db, 'b')).toBe(true);
    expect(await deleteRoute(store.db, 'b')).toBe(false);
    expect((await listRoutes(store.db)).map((r) => r.id)).toEqual(['a', 'c']);
  });

  it('deletes config routes that left the config, never API routes', async () => {
    await insertRoute(store.db, row('kept', { origin: 'config' }));
    await insertRoute(store.db, row('gone', { origin: 'config' }));
    await insertRoute(store.db, row('from-api'));
    expect(await deleteConfigRoutesExcept(store.db, ['kept'])).toBe(1);
    expect((await listRoutes(store.db)).map((r) => r.id)).toEqual(['from-api', 'kept']);
    expect(await deleteConfigRoutesExcept(store.db, [])).toBe(1);
    expect((await listRoutes(store.db)).map((r) => r.id)).toEqual(['from-api']);
  });
});
