import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listIntegrationDefaults } from '../../src/store/integration-defaults/list-integration-defaults.js';
import { syncSystemDefaults, type SystemDefaultRow } from '../../src/store/integration-defaults/sync-system-defaults.js';
import { updateIntegrationDefault } from '../../src/store/integration-defaults/update-integration-default.js';
import type { Store } from '../../src/store/store.js';
import { dialects, openTestStore } from '../support/test-database.js';
import { countRows } from './delivery-fixtures.js';
import { BASE_MS } from './ingest-fixtures.js';

const T1 = BASE_MS;
const T2 = BASE_MS + 60_000;
const T3 = BASE_MS + 120_000;

function systemRow(type: string, overrides: Partial<SystemDefaultRow> = {}): SystemDefaultRow {
  return {
    integration_type: type,
    enabled: true,
    priority: 1,
    retry_count: 3,
    retry_delay_seconds: 60,
    config: { from: 'alerts@example.com' },
    health: { configured: true, healthy: true },
    ...overrides,
  };
}

/** The stored form of a system row synced at `nowMs` (created at `createdAt`). */
function stored(row: SystemDefaultRow, nowMs: number, createdAt = nowMs) {
  return {
    integration_type: row.integration_type,
    enabled: row.enabled ? 1 : 0,
    priority: row.priority,
    retry_count: row.retry_count,
    retry_delay_seconds: row.retry_delay_seconds,
    config: JSON.stringify(row.config),
    managed_by: 'system',
    health: JSON.stringify(row.health),
    created_at: createdAt,
    updated_at: nowMs,
  };
}

describe.each(dialects)('integration defaults store (%s)', (dialect) => {
  let store: Store;
  let close: () => Promise<void>;
  beforeEach(async () => {
    ({ store, close } = await openTestStore(dialect));
  });
  afterEach(async () => {
    await close();
  });

  it('inserts missing defaults as system-managed, listed by priority then type', async () => {
    const rows = [systemRow('SMS', { priority: 2, enabled: false, health: { configured: false } }), systemRow('SLACK', { priority: 1 }), systemRow('EMAIL', { priority: 2, config: {} })];

    await syncSystemDefaults(store.db, rows, T1);

    expect(await listIntegrationDefaults(store.db)).toEqual([stored(rows[1] as SystemDefaultRow, T1), stored(rows[2] as SystemDefaultRow, T1), stored(rows[0] as SystemDefaultRow, T1)]);
  });

  it('gives a system-managed row the new values at the next sync, keeping created_at', async () => {
    await syncSystemDefaults(store.db, [systemRow('EMAIL')], T1);
    const next = systemRow('EMAIL', { enabled: false, priority: 4, retry_count: 0, retry_delay_seconds: 5, config: { from: 'ops@example.com' }, health: { configured: true, healthy: false } });

    await syncSystemDefaults(store.db, [next], T2);

    expect(await listIntegrationDefaults(store.db)).toEqual([stored(next, T2, T1)]);
  });

  it('keeps an operator-managed row across syncs, recording only the new health', async () => {
    await syncSystemDefaults(store.db, [systemRow('EMAIL'), systemRow('SLACK', { priority: 2 })], T1);
    const changed = await updateIntegrationDefault(store.db, { integrationType: 'EMAIL', patch: { priority: 9, enabled: false }, nowMs: T2 });
    const operatorRow = { ...stored(systemRow('EMAIL'), T2, T1), priority: 9, enabled: 0, managed_by: 'operator' };
    expect(changed).toEqual(operatorRow);

    const restart = [systemRow('EMAIL', { priority: 1, enabled: true, retry_count: 8, config: { from: 'new@example.com' }, health: { configured: false } }), systemRow('SLACK', { priority: 3 })];
    await syncSystemDefaults(store.db, restart, T3);

    expect(await listIntegrationDefaults(store.db)).toEqual([stored(restart[1] as SystemDefaultRow, T3, T1), { ...operatorRow, health: JSON.stringify({ configured: false }) }]);
  });

  it('changes only the patched fields and replaces the config object', async () => {
    await syncSystemDefaults(store.db, [systemRow('WEBHOOK', { config: { timeout_ms: 5_000, verify_tls: true } })], T1);

    const changed = await updateIntegrationDefault(store.db, { integrationType: 'WEBHOOK', patch: { retry_delay_seconds: 1, config: { timeout_ms: 1_000 } }, nowMs: T2 });

    expect(changed).toEqual({ ...stored(systemRow('WEBHOOK'), T2, T1), retry_delay_seconds: 1, config: JSON.stringify({ timeout_ms: 1_000 }), managed_by: 'operator' });
    const unchanged = await updateIntegrationDefault(store.db, { integrationType: 'WEBHOOK', patch: {}, nowMs: T3 });
    expect(unchanged).toEqual({ ...changed, updated_at: T3 });
    expect(await updateIntegrationDefault(store.db, { integrationType: 'WEBHOOK', patch: { enabled: true, retry_count: 0 }, nowMs: T3 })).toMatchObject({ enabled: 1, retry_count: 0 });
  });

  it('returns undefined for a type that has no row, and creates none', async () => {
    await syncSystemDefaults(store.db, [systemRow('EMAIL')], T1);
    expect(await updateIntegrationDefault(store.db, { integrationType: 'SMS', patch: { priority: 1 }, nowMs: T2 })).toBeUndefined();
    expect(await listIntegrationDefaults(store.db)).toEqual([stored(systemRow('EMAIL'), T1)]);
  });

  it('is safe to run from several processes at once', async () => {
    const rows = ['EMAIL', 'SLACK', 'SMS', 'WEBHOOK', 'TEST'].map((type, i) => systemRow(type, { priority: i }));

    await Promise.all([syncSystemDefaults(store.db, rows, T1), syncSystemDefaults(store.db, rows, T1), store.db.transaction().execute((trx) => syncSystemDefaults(trx, rows, T1))]);

    expect(await countRows(store.db, 'integration_default_configs')).toBe(5);
    expect(await listIntegrationDefaults(store.db)).toEqual(rows.map((row) => stored(row, T1)));
  });
});
