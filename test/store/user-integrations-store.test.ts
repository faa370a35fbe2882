import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deleteUserOverrides } from '../../src/store/user-integrations/delete-user-overrides.js';
import { disableUserOverride } from '../../src/store/user-integrations/disable-user-override.js';
import { findUserOverrides } from '../../src/store/user-integrations/find-user-overrides.js';
import { insertUserOverride } from '../../src/store/user-integrations/insert-user-override.js';
import { replaceUserOverride } from '../../src/store/user-integrations/replace-user-override.js';
import { findUserProfiles } from '../../src/store/user-profiles/find-user-profiles.js';
import { upsertUserProfile } from '../../src/store/user-profiles/upsert-user-profile.js';
import type { Store } from '../../src/store/store.js';
import { dialects, openTestStore } from '../support/test-database.js';
import { overrideRow } from './delivery-fixtures.js';
import { BASE_MS } from './ingest-fixtures.js';

const byId = <T extends { readonly id: string }>(rows: readonly T[]): T[] => [...rows].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
const byUser = <T extends { readonly user_id: string }>(rows: readonly T[]): T[] => [...rows].sort((a, b) => (a.user_id < b.user_id ? -1 : a.user_id > b.user_id ? 1 : 0));

describe.each(dialects)('user integrations and profiles store (%s)', (dialect) => {
  let store: Store;
  let close: () => Promise<void>;
  beforeEach(async () => {
    ({ store, close } = await openTestStore(dialect));
  });
  afterEach(async () => {
    await close();
  });

  describe('user overrides', () => {
    it('inserts an override and returns it; undefined when the user already has one for the type', async () => {
      const row = overrideRow('ov-1', 'u1', 'SLACK');
      expect(await insertUserOverride(store.db, row)).toEqual(row);

      expect(await insertUserOverride(store.db, overrideRow('ov-2', 'u1', 'SLACK', { enabled: 0, config: '{}' }))).toBeUndefined();
      expect(await findUserOverrides(store.db, ['u1'])).toEqual([row]);

      // Another type of the same user, or the same type of another user, is a new override.
      const email = overrideRow('ov-3', 'u1', 'EMAIL', { priority: null, retry_count: null, retry_delay_seconds: null, secrets: null });
      expect(await insertUserOverride(store.db, email)).toEqual(email);
      expect(await insertUserOverride(store.db, overrideRow('ov-4', 'u2', 'SLACK'))).toEqual(overrideRow('ov-4', 'u2', 'SLACK'));
      expect(byId(await findUserOverrides(store.db, ['u1']))).toEqual([row, email]);
    });

    it('lets exactly one of two concurrent inserts for the same user and type win', async () => {
      const [a, b] = await Promise.all([insertUserOverride(store.db, overrideRow('ov-a', 'u1', 'SMS')), insertUserOverride(store.db, overrideRow('ov-b', 'u1', 'SMS'))]);
      expect([a, b].filter((row) => row !== undefined)).toHaveLength(1);
      expect(await findUserOverrides(store.db, ['u1'])).toEqual([a ?? b]);
    });

    it('replaces the fields of an override, keeping id and created_at; undefined when there is none', async () => {
      await insertUserOverride(store.db, overrideRow('ov-1', 'u1', 'WEBHOOK'));
      const replacement = {
        user_id: 'u1',
        integration_type: 'WEBHOOK',
        enabled: 0,
        priority: null,
        retry_count: 1,
        retry_delay_seconds: null,
        config: JSON.stringify({ url: 'https://hooks.example/u1' }),
        secrets: null,
        updated_at: BASE_MS + 5_000,
      };

      const replaced = await replaceUserOverride(store.db, replacement);

      expect(replaced).toEqual({ ...replacement, id: 'ov-1', created_at: BASE_MS });
      expect(await findUserOverrides(store.db, ['u1'])).toEqual([replaced]);
      expect(await replaceUserOverride(store.db, { ...replacement, integration_type: 'SMS' })).toBeUndefined();
      expect(await replaceUserOverride(store.db, { ...replacement, user_id: 'u2' })).toBeUndefined();
      expect(await findUserOverrides(store.db, ['u1', 'u2'])).toEqual([replaced]);
    });

    it('deletes one override or all of a user, returning how many went, and leaves other users alone', async () => {
      const rows = [overrideRow('ov-1', 'u1', 'SLACK'), overrideRow('ov-2', 'u1', 'EMAIL'), overrideRow('ov-3', 'u1', 'SMS'), overrideRow('ov-4', 'u2', 'SLACK')];
      await store.db.insertInto('user_integration_configs').values(rows).execute();

      expect(await deleteUserOverrides(store.db, { userId: 'u1', integrationType: 'EMAIL' })).toBe(1);
      expect(await deleteUserOverrides(store.db, { userId: 'u1', integrationType: 'EMAIL' })).toBe(0);
      expect(byId(await findUserOverrides(store.db, ['u1', 'u2']))).toEqual([rows[0], rows[2], rows[3]]);

      expect(await deleteUserOverrides(store.db, { userId: 'u1' })).toBe(2);
      expect(await deleteUserOverrides(store.db, { userId: 'u1' })).toBe(0);
      expect(await deleteUserOverrides(store.db, { userId: 'nobody' })).toBe(0);
      expect(await findUserOverrides(store.db, ['u1', 'u2'])).toEqual([rows[3]]);
    });

    it('disables by creating an override holding only enabled: false', async () => {
      await disableUserOverride(store.db, { id: 'ov-new', userId: 'u1', integrationType: 'WEBHOOK', nowMs: BASE_MS + 10 });
      expect(await findUserOverrides(store.db, ['u1'])).toEqual([
        { id: 'ov-new', user_id: 'u1', integration_type: 'WEBHOOK', enabled: 0, priority: null, retry_count: null, retry_delay_seconds: null, config: '{}', secrets: null, created_at: BASE_MS + 10, updated_at: BASE_MS + 10 },
      ]);
    });

    it('disables an existing override in place, keeping its id, config, secrets and settings', async () => {
      const existing = overrideRow('ov-1', 'u1', 'WEBHOOK', { config: JSON.stringify({ url: 'https://hooks.example/u1' }) });
      const other = overrideRow('ov-2', 'u1', 'EMAIL');
      await store.db.insertInto('user_integration_configs').values([existing, other]).execute();

      await disableUserOverride(store.db, { id: 'ov-new', userId: 'u1', integrationType: 'WEBHOOK', nowMs: BASE_MS + 10 });
      await disableUserOverride(store.db, { id: 'ov-newer', userId: 'u1', integrationType: 'WEBHOOK', nowMs: BASE_MS + 20 });

      expect(byId(await findUserOverrides(store.db, ['u1']))).toEqual([{ ...existing, enabled: 0, updated_at: BASE_MS + 20 }, other]);
    });

    it('finds the overrides of the given users only, repeated ids once', async () => {
      const rows = [overrideRow('ov-1', 'u1', 'SLACK'), overrideRow('ov-2', 'u2', 'EMAIL'), overrideRow('ov-3', 'u3', 'SMS')];
      await store.db.insertInto('user_integration_configs').values(rows).execute();

      expect(await findUserOverrides(store.db, [])).toEqual([]);
      expect(byId(await findUserOverrides(store.db, ['u1', 'u3', 'u1', 'nobody']))).toEqual([rows[0], rows[2]]);
      expect(await findUserOverrides(store.db, ['u2', 'u2'])).toEqual([rows[1]]);
    });
  });

  describe('user profiles', () => {
    const none = { email: null, phone: null, slack_user_id: null, timezone: null, webhook_url: null };

    it('creates a profile with the given fields, the others null', async () => {
      const result = await upsertUserProfile(store.db, { userId: 'u1', fields: { email: 'ada@example.com', timezone: 'Europe/London' }, nowMs: BASE_MS });
      const profile = { ...none, user_id: 'u1', email: 'ada@example.com', timezone: 'Europe/London', created_at: BASE_MS, updated_at: BASE_MS };
      expect(result).toEqual({ profile, created: true });
      expect(await findUserProfiles(store.db, ['u1'])).toEqual([profile]);
    });

    it('changes only the given fields of an existing profile; null clears one, undefined keeps it', async () => {
      await upsertUserProfile(store.db, { userId: 'u1', fields: { email: 'ada@example.com', phone: '+15550100', timezone: 'Europe/London' }, nowMs: BASE_MS });

      const changed = await upsertUserProfile(store.db, { userId: 'u1', fields: { phone: null, slack_user_id: 'U123', email: undefined }, nowMs: BASE_MS + 10 });
      const expected = { user_id: 'u1', email: 'ada@example.com', phone: null, slack_user_id: 'U123', timezone: 'Europe/London', webhook_url: null, created_at: BASE_MS, updated_at: BASE_MS + 10 };
      expect(changed).toEqual({ profile: expected, created: false });

      const touched = await upsertUserProfile(store.db, { userId: 'u1', fields: {}, nowMs: BASE_MS + 20 });
      expect(touched).toEqual({ profile: { ...expected, updated_at: BASE_MS + 20 }, created: false });
      expect(await findUserProfiles(store.db, ['u1'])).toEqual([touched.profile]);
    });

    it('creates a profile once when two writes for a new user race, and keeps both changes', async () => {
      const [a, b] = await Promise.all([
        upsertUserProfile(store.db, { userId: 'u1', fields: { email: 'ada@example.com' }, nowMs: BASE_MS }),
        upsertUserProfile(store.db, { userId: 'u1', fields: { phone: '+15550100' }, nowMs: BASE_MS }),
      ]);
      expect([a.created, b.created].sort()).toEqual([false, true]);
      expect(await findUserProfiles(store.db, ['u1'])).toEqual([{ ...none, user_id: 'u1', email: 'ada@example.com', phone: '+15550100', created_at: BASE_MS, updated_at: BASE_MS }]);
    });

    it('finds the profiles that exist among the given users', async () => {
      await upsertUserProfile(store.db, { userId: 'u1', fields: { email: 'a@example.com' }, nowMs: BASE_MS });
      await upsertUserProfile(store.db, { userId: 'u2', fields: { webhook_url: 'https://hooks.example/u2' }, nowMs: BASE_MS + 1 });

      expect(await findUserProfiles(store.db, [])).toEqual([]);
      expect(await findUserProfiles(store.db, ['nobody'])).toEqual([]);
      expect(byUser(await findUserProfiles(store.db, ['u2', 'nobody', 'u1', 'u2']))).toEqual([
        { ...none, user_id: 'u1', email: 'a@example.com', created_at: BASE_MS, updated_at: BASE_MS },
        { ...none, user_id: 'u2', webhook_url: 'https://hooks.example/u2', created_at: BASE_MS + 1, updated_at: BASE_MS + 1 },
      ]);
    });
  });
});
