import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deletePlatformIntegration } from '../../src/store/platform-integrations/delete-platform-integration.js';
import { findPlatformIntegration } from '../../src/store/platform-integrations/find-platform-integration.js';
import { findUserByWhatsAppNumber } from '../../src/store/platform-integrations/find-user-by-whatsapp-number.js';
import { incrementPlatformCounter } from '../../src/store/platform-integrations/increment-platform-counter.js';
import { listPlatformIntegrations } from '../../src/store/platform-integrations/list-platform-integrations.js';
import { recordPlatformHealth } from '../../src/store/platform-integrations/record-platform-health.js';
import { upsertPlatformIntegration, type PlatformIntegrationWrite } from '../../src/store/platform-integrations/upsert-platform-integration.js';
import type { Store } from '../../src/store/store.js';
import { dialects, openTestStore } from '../support/test-database.js';
import { BASE_MS } from './ingest-fixtures.js';

const write = (userId: string, platform: string, overrides: Partial<PlatformIntegrationWrite> = {}): PlatformIntegrationWrite => ({
  userId,
  platform,
  credentials: 'v1.ciphertext',
  settings: '{}',
  status: 'connected',
  health: '{"healthy":true}',
  nowMs: BASE_MS,
  ...overrides,
});

describe.each(dialects)('platform integrations store (%s)', (dialect) => {
  let store: Store;
  let close: () => Promise<void>;
  beforeEach(async () => {
    ({ store, close } = await openTestStore(dialect));
  });
  afterEach(async () => {
    await close();
  });

  it('creates a connection with zero counters, then changes it in place keeping created_at and the counters', async () => {
    const first = await upsertPlatformIntegration(store.db, write('u1', 'calendly', { settings: '{"event_type":"Sales Call"}' }));
    expect(first.created).toBe(true);
    expect(first.integration).toEqual({
      user_id: 'u1',
      platform: 'calendly',
      credentials: 'v1.ciphertext',
      settings: '{"event_type":"Sales Call"}',
      status: 'connected',
      health: '{"healthy":true}',
      meetings_scheduled: 0,
      links_created: 0,
      created_at: BASE_MS,
      updated_at: BASE_MS,
    });
    await incrementPlatformCounter(store.db, { userId: 'u1', platform: 'calendly', counter: 'links_created' });

    const second = await upsertPlatformIntegration(store.db, write('u1', 'calendly', { credentials: 'v1.other', settings: '{}', status: 'error', health: null, nowMs: BASE_MS + 5_000 }));
    expect(second.created).toBe(false);
    expect(second.integration).toEqual({ ...first.integration, credentials: 'v1.other', settings: '{}', status: 'error', health: null, links_created: 1, updated_at: BASE_MS + 5_000 });
    expect(await findPlatformIntegration(store.db, { userId: 'u1', platform: 'calendly' })).toEqual(second.integration);
  });

  it('keeps the stored credentials when a write leaves them undefined, and removes them with null', async () => {
    await upsertPlatformIntegration(store.db, write('u1', 'whatsapp'));
    const kept = await upsertPlatformIntegration(store.db, write('u1', 'whatsapp', { credentials: undefined, settings: '{"phone_number_id":"1"}' }));
    expect(kept.integration.credentials).toBe('v1.ciphertext');
    const removed = await upsertPlatformIntegration(store.db, write('u1', 'whatsapp', { credentials: null }));
    expect(removed.integration.credentials).toBeNull();
    // A new connection written without credentials has none.
    expect((await upsertPlatformIntegration(store.db, write('u2', 'whatsapp', { credentials: undefined }))).integration.credentials).toBeNull();
  });

  it('lets exactly one of two concurrent first writes create the connection', async () => {
    const [a, b] = await Promise.all([upsertPlatformIntegration(store.db, write('u1', 'calendly')), upsertPlatformIntegration(store.db, write('u1', 'calendly', { status: 'error' }))]);
    expect([a.created, b.created].filter(Boolean)).toHaveLength(1);
    expect(await listPlatformIntegrations(store.db, { userId: 'u1' })).toHaveLength(1);
  });

  it("finds one connection, lists a user's by platform, and deletes one, leaving the others", async () => {
    await upsertPlatformIntegration(store.db, write('u1', 'whatsapp'));
    await upsertPlatformIntegration(store.db, write('u1', 'calendly'));
    await upsertPlatformIntegration(store.db, write('u2', 'calendly'));
    expect(await findPlatformIntegration(store.db, { userId: 'u1', platform: 'sms' })).toBeUndefined();
    expect((await listPlatformIntegrations(store.db, { userId: 'u1' })).map((row) => row.platform)).toEqual(['calendly', 'whatsapp']);
    expect(await listPlatformIntegrations(store.db, { userId: 'nobody' })).toEqual([]);

    expect(await deletePlatformIntegration(store.db, { userId: 'u1', platform: 'calendly' })).toBe(true);
    expect(await deletePlatformIntegration(store.db, { userId: 'u1', platform: 'calendly' })).toBe(false);
    expect((await listPlatformIntegrations(store.db, { userId: 'u1' })).map((row) => row.platform)).toEqual(['whatsapp']);
    expect(await findPlatformIntegration(store.db, { userId: 'u2', platform: 'calendly' })).toBeDefined();
  });

  it('counts every one of many concurrent increments, per counter, and nothing for a user without the connection', async () => {
    await upsertPlatformIntegration(store.db, write('u1', 'calendly'));
    const increments = Array.from({ length: 25 }, (_, i) =>
      incrementPlatformCounter(store.db, { userId: 'u1', platform: 'calendly', counter: i % 5 === 0 ? 'meetings_scheduled' : 'links_created' }),
    );
    expect(await Promise.all(increments)).toEqual(Array.from({ length: 25 }, () => true));
    const row = await findPlatformIntegration(store.db, { userId: 'u1', platform: 'calendly' });
    expect(row).toMatchObject({ links_created: 20, meetings_scheduled: 5, updated_at: BASE_MS });

    expect(await incrementPlatformCounter(store.db, { userId: 'u2', platform: 'calendly', counter: 'links_created' })).toBe(false);
    expect(await findPlatformIntegration(store.db, { userId: 'u2', platform: 'calendly' })).toBeUndefined();
  });

  it('records a health check and its status; undefined for a connection that does not exist', async () => {
    await upsertPlatformIntegration(store.db, write('u1', 'whatsapp'));
    const recorded = await recordPlatformHealth(store.db, { userId: 'u1', platform: 'whatsapp', status: 'error', health: '{"healthy":false}' });
    // updated_at stays the configuration time: the health holds its own checked_at.
    expect(recorded).toMatchObject({ status: 'error', health: '{"healthy":false}', updated_at: BASE_MS, created_at: BASE_MS, credentials: 'v1.ciphertext' });
    expect(await recordPlatformHealth(store.db, { userId: 'u2', platform: 'whatsapp', status: 'error', health: '{}' })).toBeUndefined();
  });

  it('finds the user whose WhatsApp settings hold a phone number id, exactly, the first to connect it winning', async () => {
    await upsertPlatformIntegration(store.db, write('u1', 'whatsapp', { settings: JSON.stringify({ phone_number_id: '106540352242922', label: '1065' }) }));
    await upsertPlatformIntegration(store.db, write('u2', 'whatsapp', { settings: JSON.stringify({ phone_number_id: '2000' }), nowMs: BASE_MS + 1 }));
    await upsertPlatformIntegration(store.db, write('u3', 'whatsapp', { settings: JSON.stringify({ phone_number_id: '2000' }), nowMs: BASE_MS + 2 }));
    // Another platform's settings, and other keys holding the value, do not count.
    await upsertPlatformIntegration(store.db, write('u4', 'calendly', { settings: JSON.stringify({ phone_number_id: '3000' }) }));
    await upsertPlatformIntegration(store.db, write('u5', 'whatsapp', { settings: JSON.stringify({ note: '4000' }) }));
    await upsertPlatformIntegration(store.db, write('u6', 'whatsapp', { settings: JSON.stringify({ phone_number_id: 'a_%\\"b' }) }));

    expect(await findUserByWhatsAppNumber(store.db, { phoneNumberId: '106540352242922' })).toBe('u1');
    expect(await findUserByWhatsAppNumber(store.db, { phoneNumberId: '1065' })).toBeUndefined();
    expect(await findUserByWhatsAppNumber(store.db, { phoneNumberId: '10654035224292' })).toBeUndefined();
    expect(await findUserByWhatsAppNumber(store.db, { phoneNumberId: '2000' })).toBe('u2');
    expect(await findUserByWhatsAppNumber(store.db, { phoneNumberId: '3000' })).toBeUndefined();
    expect(await findUserByWhatsAppNumber(store.db, { phoneNumberId: '4000' })).toBeUndefined();
    // LIKE's wildcards and the escape character in an id are matched literally.
    expect(await findUserByWhatsAppNumber(store.db, { phoneNumberId: 'a_%\\"b' })).toBe('u6');
    expect(await findUserByWhatsAppNumber(store.db, { phoneNumberId: 'ax%\\"b' })).toBeUndefined();
  });
});
