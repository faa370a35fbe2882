import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/store.js';
import { deactivateWebhookEndpoint } from '../../src/store/webhook-endpoints/deactivate-webhook-endpoint.js';
import { findWebhookEndpointByPath } from '../../src/store/webhook-endpoints/find-webhook-endpoint-by-path.js';
import { findWebhookEndpoint } from '../../src/store/webhook-endpoints/find-webhook-endpoint.js';
import { insertWebhookEndpoint } from '../../src/store/webhook-endpoints/insert-webhook-endpoint.js';
import { listValidSecrets } from '../../src/store/webhook-endpoints/list-valid-secrets.js';
import { listWebhookEndpoints } from '../../src/store/webhook-endpoints/list-webhook-endpoints.js';
import { rotateEndpointSecret } from '../../src/store/webhook-endpoints/rotate-endpoint-secret.js';
import { dialects, openTestStore } from '../support/test-database.js';
import { BASE_MS, endpointRow, secretRow } from './ingest-fixtures.js';

describe.each(dialects)('webhook endpoint store (%s)', (dialect) => {
  let store: Store;
  let close: () => Promise<void>;
  beforeEach(async () => {
    ({ store, close } = await openTestStore(dialect));
  });
  afterEach(async () => {
    await close();
  });

  describe('insertWebhookEndpoint', () => {
    it('stores the endpoint and its first secret, with the same values on every dialect', async () => {
      const endpoint = endpointRow('orders', { path: '/hooks/orders', rate_limit: '{"requests":10,"per_seconds":1}', allow_unsigned: 1 });
      const secret = secretRow('orders', BASE_MS);

      expect(await insertWebhookEndpoint(store.db, endpoint, secret)).toBe(true);

      expect(await findWebhookEndpoint(store.db, 'orders')).toEqual(endpoint);
      expect(await listValidSecrets(store.db, BASE_MS, 'orders')).toEqual([secret]);
    });

    it('stores an endpoint without a secret', async () => {
      expect(await insertWebhookEndpoint(store.db, endpointRow('api-key-only'), undefined)).toBe(true);
      expect(await listValidSecrets(store.db, BASE_MS, 'api-key-only')).toEqual([]);
    });

    it('returns false for an existing id and changes nothing', async () => {
      await insertWebhookEndpoint(store.db, endpointRow('orders', { url: 'https://first.example' }), secretRow('orders', BASE_MS, 'first'));

      const again = await insertWebhookEndpoint(store.db, endpointRow('orders', { url: 'https://second.example' }), secretRow('orders', BASE_MS + 1, 'second'));

      expect(again).toBe(false);
      expect((await findWebhookEndpoint(store.db, 'orders'))?.url).toBe('https://first.example');
      expect((await listValidSecrets(store.db, BASE_MS + 1, 'orders')).map((s) => s.secret_ciphertext)).toEqual(['first']);
    });

    it('refuses a second endpoint on a path already in use', async () => {
      await insertWebhookEndpoint(store.db, endpointRow('first', { path: '/hooks/shared' }), undefined);

      await expect(insertWebhookEndpoint(store.db, endpointRow('second', { path: '/hooks/shared' }), undefined)).rejects.toThrow();

      expect(await findWebhookEndpoint(store.db, 'second')).toBeUndefined();
      expect((await findWebhookEndpointByPath(store.db, '/hooks/shared'))?.endpoint_id).toBe('first');
    });

    it('allows any number of endpoints without a path', async () => {
      await insertWebhookEndpoint(store.db, endpointRow('a'), undefined);
      await insertWebhookEndpoint(store.db, endpointRow('b'), undefined);
      expect((await listWebhookEndpoints(store.db)).map((e) => e.endpoint_id)).toEqual(['a', 'b']);
    });

    it('rolls back the endpoint with the caller transaction when its secret cannot be stored', async () => {
      await insertWebhookEndpoint(store.db, endpointRow('first'), secretRow('first', BASE_MS));
      const reusedSecretId = (await listValidSecrets(store.db, BASE_MS, 'first'))[0]?.secret_id ?? '';

      const inserting = store.db
        .transaction()
        .execute((trx) => insertWebhookEndpoint(trx, endpointRow('second'), { ...secretRow('second', BASE_MS), secret_id: reusedSecretId }));

      await expect(inserting).rejects.toThrow();
      expect(await findWebhookEndpoint(store.db, 'second')).toBeUndefined();
    });
  });

  describe('finding and listing', () => {
    beforeEach(async () => {
      await insertWebhookEndpoint(store.db, endpointRow('zeta', { path: '/z' }), undefined);
      await insertWebhookEndpoint(store.db, endpointRow('alpha'), undefined);
      await insertWebhookEndpoint(store.db, endpointRow('mid', { path: '/m', active: 0 }), undefined);
    });

    it('finds one endpoint by id, or undefined', async () => {
      expect((await findWebhookEndpoint(store.db, 'alpha'))?.endpoint_id).toBe('alpha');
      expect(await findWebhookEndpoint(store.db, 'missing')).toBeUndefined();
    });

    it('finds one endpoint by its extra path, or undefined', async () => {
      expect((await findWebhookEndpointByPath(store.db, '/z'))?.endpoint_id).toBe('zeta');
      expect(await findWebhookEndpointByPath(store.db, '/nowhere')).toBeUndefined();
    });

    it('lists every endpoint, active or not, in id order', async () => {
      const listed = await listWebhookEndpoints(store.db);
      expect(listed.map((e) => [e.endpoint_id, e.active])).toEqual([
        ['alpha', 1],
        ['mid', 0],
        ['zeta', 1],
      ]);
    });
  });

  describe('deactivateWebhookEndpoint', () => {
    it('marks the endpoint inactive and stamps updated_at', async () => {
      await insertWebhookEndpoint(store.db, endpointRow('orders'), undefined);

      expect(await deactivateWebhookEndpoint(store.db, 'orders', BASE_MS + 5_000)).toBe(true);

      expect(await findWebhookEndpoint(store.db, 'orders')).toMatchObject({ active: 0, updated_at: BASE_MS + 5_000, created_at: BASE_MS });
    });

    it('returns false for an unknown endpoint', async () => {
      expect(await deactivateWebhookEndpoint(store.db, 'missing', BASE_MS)).toBe(false);
    });
  });

  describe('rotateEndpointSecret', () => {
    const rotatedAt = BASE_MS + 60_000;
    const graceUntil = rotatedAt + 3_600_000;

    beforeEach(async () => {
      await insertWebhookEndpoint(store.db, endpointRow('orders'), secretRow('orders', BASE_MS, 'old'));
      await insertWebhookEndpoint(store.db, endpointRow('other'), secretRow('other', BASE_MS, 'other'));
    });

    async function rotate(endpointId: string, createdAt: number, ciphertext: string, grace: number): Promise<void> {
      await store.db.transaction().execute((trx) => rotateEndpointSecret(trx, secretRow(endpointId, createdAt, ciphertext), grace));
    }

    async function validAt(nowMs: number, endpointId = 'orders'): Promise<string[]> {
      return (await listValidSecrets(store.db, nowMs, endpointId)).map((secret) => secret.secret_ciphertext);
    }

    it('makes the new secret current and gives the old one the grace expiry', async () => {
      await rotate('orders', rotatedAt, 'new', graceUntil);

      const secrets = await listValidSecrets(store.db, rotatedAt, 'orders');
      expect(secrets.map((s) => [s.secret_ciphertext, s.expires_at])).toEqual([
        ['new', null],
        ['old', graceUntil],
      ]);
      expect((await findWebhookEndpoint(store.db, 'orders'))?.updated_at).toBe(rotatedAt);
    });

    it('keeps the old secret valid only until its expiry', async () => {
      await rotate('orders', rotatedAt, 'new', graceUntil);

      expect(await validAt(rotatedAt)).toEqual(['new', 'old']);
      expect(await validAt(graceUntil - 1)).toEqual(['new', 'old']);
      expect(await validAt(graceUntil)).toEqual(['new']);
      expect(await validAt(graceUntil + 86_400_000)).toEqual(['new']);
    });

    it('leaves other endpoints alone', async () => {
      await rotate('orders', rotatedAt, 'new', graceUntil);

      expect(await validAt(graceUntil + 1, 'other')).toEqual(['other']);
      expect((await listValidSecrets(store.db, graceUntil + 1)).map((s) => s.secret_ciphertext).sort()).toEqual(['new', 'other']);
    });

    it('never extends an expiry that a previous rotation already set earlier', async () => {
      await rotate('orders', rotatedAt, 'second', graceUntil);
      await rotate('orders', rotatedAt + 1_000, 'third', graceUntil + 10_000);

      const secrets = await listValidSecrets(store.db, rotatedAt + 1_000, 'orders');
      expect(secrets.map((s) => [s.secret_ciphertext, s.expires_at])).toEqual([
        ['third', null],
        ['second', graceUntil + 10_000],
        ['old', graceUntil],
      ]);
      expect(await validAt(graceUntil)).toEqual(['third', 'second']);
    });

    it('with no grace, retires the old secret at once', async () => {
      await rotate('orders', rotatedAt, 'new', rotatedAt);
      expect(await validAt(rotatedAt)).toEqual(['new']);
    });

    it('fails for an unknown endpoint and stores nothing', async () => {
      await expect(rotate('missing', rotatedAt, 'new', graceUntil)).rejects.toThrow();
      expect(await listValidSecrets(store.db, rotatedAt, 'missing')).toEqual([]);
    });
  });
});
