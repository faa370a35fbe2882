import { afterEach, describe, expect, it } from 'vitest';
import { dialects } from '../../support/test-database.js';
import { startTestSwitchboard, type TestSwitchboard } from '../../support/test-switchboard.js';

describe.each(dialects)('notifications, deliveries and profiles API (%s)', (dialect) => {
  let sb: TestSwitchboard | undefined;
  afterEach(async () => {
    await sb?.stop();
    sb = undefined;
  });

  async function start() {
    sb = await startTestSwitchboard({ dialect, config: { 'delivery.test.enabled': true, 'delivery.allow_private_networks': true } });
    const server = sb;
    return async (method: string, url: string, payload?: unknown, headers: Record<string, string> = {}) => {
      const response = await server.app.inject({ method: method as 'GET', url, headers: { ...server.auth, ...headers }, ...(payload === undefined ? {} : { payload: payload as object }) });
      return { status: response.statusCode, body: response.body === '' ? undefined : JSON.parse(response.body) };
    };
  }

  it('creates one delivery per recipient and enabled channel, ordered by priority, and lists them', async () => {
    const api = await start();
    // Port 9 (discard) is closed here: the webhook attempt fails, which this test does not look at.
    await api('PUT', '/api/v1/users/bob/integrations/WEBHOOK', { enabled: true, priority: 1, retry_count: 0 });
    await api('PUT', '/api/v1/users/bob', { webhook_url: 'http://127.0.0.1:9/hook' });
    const posted = await api('POST', '/api/v1/notifications', { user_ids: ['ann', 'bob', 'ann'], subject: 'S', body: 'B', data: { k: 1 } });
    expect(posted.status).toBe(202);
    expect(posted.body.deliveries.map((d: { user_id: string; integration_type: string }) => `${d.user_id}:${d.integration_type}`)).toEqual(['ann:TEST', 'bob:WEBHOOK', 'bob:TEST']);
    expect(posted.body.delivery_ids).toHaveLength(3);
    const notification = await api('GET', `/api/v1/notifications/${posted.body.notification_id}`);
    expect(notification.body).toMatchObject({ user_ids: ['ann', 'bob'], subject: 'S', body: 'B', data: { k: 1 }, strategy: 'all', origin: 'api', plan: { ann: ['TEST'], bob: ['WEBHOOK', 'TEST'] } });
    expect(notification.body.deliveries).toHaveLength(3);
    const bobs = await api('GET', '/api/v1/users/bob/deliveries?limit=1&offset=1');
    expect(bobs.body).toHaveLength(1);
    const filtered = await api('GET', '/api/v1/deliveries?user_id=bob&channel=webhook');
    expect(filtered.body.deliveries.map((d: { integration_type: string }) => d.integration_type)).toEqual(['WEBHOOK']);
  });

  it('skips a channel the user has no address for, saying why', async () => {
    const api = await start();
    await api('PUT', '/api/v1/users/carl/integrations/SMS', { enabled: true });
    const posted = await api('POST', '/api/v1/notifications', { user_id: 'carl', body: 'B', channels: ['sms'] });
    expect(posted.body.delivery_ids).toEqual([]);
    expect(posted.body.skipped).toEqual([expect.objectContaining({ user_id: 'carl', integration_type: 'SMS', reason: 'no_address' })]);
  });

  it('profiles: created, changed field by field, validated', async () => {
    const api = await start();
    const created = await api('PUT', '/api/v1/users/dana', { email: 'dana@example.com', timezone: 'Europe/Berlin' });
    expect(created.status).toBe(201);
    const changed = await api('PUT', '/api/v1/users/dana', { phone: '+4915112345678', timezone: null });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ user_id: 'dana', email: 'dana@example.com', phone: '+4915112345678', timezone: null });
    for (const bad of [{ email: 'not-an-address' }, { phone: '0151 1234' }, { timezone: 'Mars/Olympus' }, { webhook_url: 'gopher://x' }]) {
      const refused = await api('PUT', '/api/v1/users/dana', bad);
      expect(refused.status).toBe(422);
      expect(refused.body.error.code).toBe('profile_invalid');
    }
    expect((await api('GET', '/api/v1/users/dana')).body).toMatchObject({ email: 'dana@example.com', phone: '+4915112345678', timezone: null, webhook_url: null });
    expect((await api('GET', '/api/v1/users/nobody')).body.error.code).toBe('user_profile_not_found');
  });

  describe('bad input gets a clear JSON error and creates nothing', () => {
    const cases: Array<[string, unknown, Record<string, string>, number, string]> = [
      ['no recipients', { body: 'B' }, {}, 422, 'notification_invalid'],
      ['no body', { user_id: 'u' }, {}, 400, 'validation_failed'],
      ['an empty body', { user_id: 'u', body: '' }, {}, 400, 'validation_failed'],
      ['an unknown channel', { user_id: 'u', body: 'B', channels: ['PIGEON'] }, {}, 400, 'integration_type_unknown'],
      ['an unknown strategy', { user_id: 'u', body: 'B', strategy: 'some' }, {}, 400, 'validation_failed'],
      ['a user id with a slash', { user_id: 'a/b', body: 'B' }, {}, 400, 'validation_failed'],
      ['an unknown field', { user_id: 'u', body: 'B', urgent: true }, {}, 400, 'validation_failed'],
      ['different keys in header and body', { user_id: 'u', body: 'B', idempotency_key: 'a' }, { 'idempotency-key': 'b' }, 422, 'notification_invalid'],
    ];
    it.each(cases)('%s', async (_name, payload, headers, status, code) => {
      const api = await start();
      const response = await api('POST', '/api/v1/notifications', payload, headers);
      expect(response.status).toBe(status);
      expect(response.body.error.code).toBe(code);
      expect((await api('GET', '/api/v1/deliveries')).body.deliveries).toEqual([]);
      expect(await sb?.store.db.selectFrom('notifications').select('id').execute()).toEqual([]);
    });

    it('deliveries: unknown ids, bad filters and cursors, retrying what cannot be retried', async () => {
      const api = await start();
      const posted = await api('POST', '/api/v1/notifications', { user_id: 'u', body: 'B' });
      const [id] = posted.body.delivery_ids as string[];
      expect((await api('GET', '/api/v1/deliveries/nope')).body.error.code).toBe('delivery_not_found');
      expect((await api('POST', '/api/v1/deliveries/nope/retry')).body.error.code).toBe('delivery_not_found');
      expect((await api('GET', '/api/v1/deliveries?status=LOST')).body.error.code).toBe('validation_failed');
      expect((await api('GET', '/api/v1/deliveries?channel=FAX')).body.error.code).toBe('integration_type_unknown');
      expect((await api('GET', '/api/v1/deliveries?cursor=%%%')).body.error.code).toBe('cursor_invalid');
      expect((await api('GET', '/api/v1/users/u/deliveries?limit=0')).body.error.code).toBe('validation_failed');
      expect((await api('GET', '/api/v1/notifications/nope')).body.error.code).toBe('notification_not_found');
      const bulk = await api('POST', '/api/v1/deliveries/retry', { status: 'SUCCESS' });
      expect(bulk.status).toBe(409);
      expect(bulk.body.error.code).toBe('delivery_not_retryable');
      const pending = await api('POST', `/api/v1/deliveries/${id}/retry`);
      expect([409]).toContain(pending.status);
      expect(pending.body.error.code).toBe('delivery_not_retryable');
      expect((await api('GET', '/api/v1/deliveries')).body.deliveries).toHaveLength(1);
    });
  });
});
