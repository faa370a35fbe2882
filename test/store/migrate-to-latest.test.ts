import { afterEach, describe, expect, it } from 'vitest';
import { migrateToLatest } from '../../src/store/migrate-to-latest.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';
import { findWebhookEndpoint } from '../../src/store/webhook-endpoints/find-webhook-endpoint.js';
import { insertWebhookEndpoint } from '../../src/store/webhook-endpoints/insert-webhook-endpoint.js';
import { createTestDatabase, dialects, type TestDatabase } from '../support/test-database.js';
import { endpointRow } from './ingest-fixtures.js';

const TABLES = [
  'alerts',
  'delivery_attempts',
  'delivery_logs',
  'events',
  'integration_default_configs',
  'jobs',
  'lead_canceled_events',
  'leads',
  'learning_data',
  'meetings',
  'notifications',
  'notify_outbox',
  'platform_integrations',
  'routes',
  'run_steps',
  'runs',
  'test_deliveries',
  'user_integration_configs',
  'user_profiles',
  'webhook_endpoint_secrets',
  'webhook_endpoint_stats',
  'webhook_endpoints',
  'webhook_request_logs',
];

describe.each(dialects)('migrateToLatest (%s)', (dialect) => {
  let database: TestDatabase | undefined;
  const stores: Store[] = [];
  afterEach(async () => {
    for (const store of stores.splice(0)) await store.close();
    await database?.cleanup();
    database = undefined;
  });

  async function open(db: TestDatabase): Promise<Store> {
    const store = await openStore({ databaseUrl: db.databaseUrl, dataDir: db.dataDir, pgSchema: db.pgSchema, sqliteSynchronous: 'NORMAL' });
    stores.push(store);
    return store;
  }

  async function tableNames(store: Store, db: TestDatabase): Promise<string[]> {
    const tables = await store.db.introspection.getTables();
    // PostgreSQL lists every schema's tables; keep this test's own.
    return tables.filter((table) => dialect === 'sqlite' || table.schema === db.pgSchema).map((table) => table.name).sort();
  }

  it('creates every table on a fresh database', async () => {
    database = createTestDatabase(dialect);
    const store = await open(database);
    expect(await tableNames(store, database)).toEqual([]);

    const results = await migrateToLatest(store);

    expect(results.map((result) => [result.migrationName, result.direction, result.status])).toEqual([['0001-foundation', 'Up', 'Success'], ['0002-jobs', 'Up', 'Success'], ['0003-routes', 'Up', 'Success'], ['0004-runs', 'Up', 'Success'], ['0005-learning-data', 'Up', 'Success'], ['0006-event-routing', 'Up', 'Success'], ['0007-delivery', 'Up', 'Success'], ['0008-job-claim-index', 'Up', 'Success'], ['0009-delivery-sequence-unique', 'Up', 'Success'], ['0010-endpoint-verify-token', 'Up', 'Success'], ['0011-endpoint-split', 'Up', 'Success'], ['0012-seed-flows', 'Up', 'Success'], ['0013-lead-canceled-events', 'Up', 'Success'], ['0014-endpoint-content-types', 'Up', 'Success']]);
    expect(await tableNames(store, database)).toEqual(TABLES);
  });

  it('is a no-op when run again, and keeps the data', async () => {
    database = createTestDatabase(dialect);
    const store = await open(database);
    await migrateToLatest(store);
    await insertWebhookEndpoint(store.db, endpointRow('kept'), undefined);

    expect(await migrateToLatest(store)).toEqual([]);
    expect(await migrateToLatest(await open(database))).toEqual([]);

    expect(await tableNames(store, database)).toEqual(TABLES);
    expect(await findWebhookEndpoint(store.db, 'kept')).toMatchObject({ endpoint_id: 'kept' });
  });
});

describe('migrateToLatest (postgres, shared server)', () => {
  const databases: TestDatabase[] = [];
  const stores: Store[] = [];
  afterEach(async () => {
    for (const store of stores.splice(0)) await store.close();
    for (const database of databases.splice(0)) await database.cleanup();
  });

  async function open(db: TestDatabase): Promise<Store> {
    const store = await openStore({ databaseUrl: db.databaseUrl, dataDir: db.dataDir, pgSchema: db.pgSchema });
    stores.push(store);
    return store;
  }

  it('migrates a fresh schema while another schema already holds migration tables', async () => {
    const other = createTestDatabase('postgres');
    const fresh = createTestDatabase('postgres');
    databases.push(other, fresh);
    await migrateToLatest(await open(other));

    const results = await migrateToLatest(await open(fresh));

    expect(results.map((result) => result.migrationName)).toEqual(['0001-foundation', '0002-jobs', '0003-routes', '0004-runs', '0005-learning-data', '0006-event-routing', '0007-delivery', '0008-job-claim-index', '0009-delivery-sequence-unique', '0010-endpoint-verify-token', '0011-endpoint-split', '0012-seed-flows', '0013-lead-canceled-events', '0014-endpoint-content-types']);
  });

  it('opens and migrates once when several instances start together', async () => {
    const db = createTestDatabase('postgres');
    databases.push(db);
    // All six create the schema at once: IF NOT EXISTS alone races on PostgreSQL.
    const opened = await Promise.all([1, 2, 3, 4, 5, 6].map(() => open(db)));

    const results = await Promise.all(opened.map((store) => migrateToLatest(store)));

    expect(results.flat().map((result) => result.migrationName)).toEqual(['0001-foundation', '0002-jobs', '0003-routes', '0004-runs', '0005-learning-data', '0006-event-routing', '0007-delivery', '0008-job-claim-index', '0009-delivery-sequence-unique', '0010-endpoint-verify-token', '0011-endpoint-split', '0012-seed-flows', '0013-lead-canceled-events', '0014-endpoint-content-types']);
  });
});
