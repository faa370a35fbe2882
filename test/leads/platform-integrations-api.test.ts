import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSecretBox } from '../../src/crypto/secret-box.js';
import { incrementPlatformCounter } from '../../src/store/platform-integrations/increment-platform-counter.js';
import { startCalendlyApiServer, type CalendlyApiServer } from '../support/calendly-api-server.js';
import { dialects } from '../support/test-database.js';
import { startTestSwitchboard, type TestSwitchboard } from '../support/test-switchboard.js';
import { startWhatsAppCloudApiServer, type WhatsAppCloudApiServer } from '../support/whatsapp-cloud-api-server.js';

const ALICE_TOKEN = 'alice-calendly-token-0123456789';
const WA_TOKEN = 'whatsapp-token-abcdefghijklmnop';
const WA_NUMBER = '106540352242922';

describe.each(dialects)('platform integrations API (%s)', (dialect) => {
  let sb: TestSwitchboard | undefined;
  let calendly: CalendlyApiServer;
  let whatsapp: WhatsAppCloudApiServer;
  const secretKey = randomBytes(32);

  beforeEach(async () => {
    calendly = await startCalendlyApiServer({ users: [{ token: ALICE_TOKEN, name: 'Alice Seller', eventTypes: [{ name: 'Sales Call' }] }] });
    whatsapp = await startWhatsAppCloudApiServer({ phoneNumbers: [{ phoneNumberId: WA_NUMBER, token: WA_TOKEN, displayPhoneNumber: '+1 555-0100' }] });
  });
  afterEach(async () => {
    await sb?.stop();
    sb = undefined;
    await calendly.close();
    await whatsapp.close();
  });

  async function start(config: Record<string, unknown> = {}) {
    sb = await startTestSwitchboard({
      dialect,
      config: {
        secret_key: secretKey.toString('base64'),
        'actions.calendly.base_url': calendly.url,
        'actions.calendly.timeout_ms': 2_000,
        'actions.whatsapp.base_url': whatsapp.url,
        'actions.whatsapp.timeout_ms': 2_000,
        ...config,
      },
    });
    const server = sb;
    /** Every answer is checked to be JSON and to carry no token. */
    return async (method: 'GET' | 'PUT' | 'POST' | 'DELETE', url: string, payload?: unknown, headers: Record<string, string> = server.auth) => {
      const response = await server.app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload: payload as object }) });
      expect(response.headers['content-type']).toMatch(/^application\/json/);
      for (const secret of [ALICE_TOKEN, WA_TOKEN, 'bad-token-zzz']) expect(response.body).not.toContain(secret);
      return { status: response.statusCode, body: JSON.parse(response.body) };
    };
  }
  const rows = () => (sb as TestSwitchboard).store.db.selectFrom('platform_integrations').selectAll().orderBy('user_id').orderBy('platform').execute();

  it('connects Calendly: credentials encrypted at rest and never answered, the health check against the account, stats', async () => {
    const api = await start();
    const put = await api('PUT', '/api/integrations/calendly', { user_id: 'alice', credentials: { access_token: ALICE_TOKEN }, settings: { event_type: 'Sales Call', user_name: 'Alice' } });
    expect(put.status).toBe(201);
    expect(put.body).toEqual({
      user_id: 'alice',
      platform: 'calendly',
      status: 'connected',
      settings: { event_type: 'Sales Call', user_name: 'Alice' },
      credentials_configured: ['access_token'],
      health: {
        configured: true,
        healthy: true,
        message: 'connected as Alice Seller',
        user: { uri: calendly.userByToken(ALICE_TOKEN)?.uri, name: 'Alice Seller', scheduling_url: expect.any(String) },
        token_source: 'user',
        checked_at: expect.any(String),
      },
      stats: { meetings_scheduled: 0, links_created: 0 },
      created_at: expect.any(String),
      updated_at: expect.any(String),
    });
    expect(calendly.received.at(-1)).toMatchObject({ route: 'users.me', headers: { authorization: `Bearer ${ALICE_TOKEN}` } });

    const [row] = await rows();
    expect(JSON.stringify(row)).not.toContain(ALICE_TOKEN);
    expect(row?.credentials).toMatch(/^v1\./);
    expect(JSON.parse(createSecretBox(secretKey).decrypt(String(row?.credentials)))).toEqual({ access_token: ALICE_TOKEN });

    await incrementPlatformCounter((sb as TestSwitchboard).store.db, { userId: 'alice', platform: 'calendly', counter: 'links_created' });
    await incrementPlatformCounter((sb as TestSwitchboard).store.db, { userId: 'alice', platform: 'calendly', counter: 'meetings_scheduled' });
    const listed = await api('GET', '/api/integrations?user_id=alice');
    expect(listed.status).toBe(200);
    expect(listed.body).toEqual({ user_id: 'alice', integrations: { calendly: { ...put.body, stats: { meetings_scheduled: 1, links_created: 1 } }, whatsapp: { status: 'not_connected' } } });
  });

  it('keeps credentials a PUT leaves out, replaces them when given, and merges settings key by key (null removes)', async () => {
    const api = await start();
    await api('PUT', '/api/integrations/calendly', { user_id: 'alice', credentials: { access_token: ALICE_TOKEN }, settings: { event_type: 'Sales Call', user_name: 'Alice' } });
    const [before] = await rows();

    const kept = await api('PUT', '/api/integrations/calendly', { user_id: 'alice', settings: { user_name: null, default_duration: 30 } });
    expect(kept.status).toBe(200);
    expect(kept.body).toMatchObject({ status: 'connected', settings: { event_type: 'Sales Call', default_duration: 30 }, credentials_configured: ['access_token'], created_at: new Date(Number(before?.created_at)).toISOString() });
    expect(kept.body.settings).not.toHaveProperty('user_name');
    const [afterKeep] = await rows();
    expect(afterKeep?.credentials).toBe(before?.credentials);

    const replaced = await api('PUT', '/api/integrations/calendly', { user_id: 'alice', credentials: { access_token: 'bad-token-zzz' } });
    expect(replaced.body).toMatchObject({ status: 'error', credentials_configured: ['access_token'], health: { configured: true, healthy: false, token_source: 'user' } });
    expect(replaced.body.health.message).toMatch(/401/);
  });

  it('connects WhatsApp with the number id in settings; an unknown number or token is an error, nothing set is not_configured', async () => {
    const api = await start();
    const put = await api('PUT', '/api/integrations/whatsapp', { user_id: 'alice', credentials: { access_token: WA_TOKEN }, settings: { phone_number_id: WA_NUMBER } });
    expect(put.status).toBe(201);
    expect(put.body).toMatchObject({
      platform: 'whatsapp',
      status: 'connected',
      settings: { phone_number_id: WA_NUMBER },
      credentials_configured: ['access_token'],
      health: { configured: true, healthy: true, message: 'sending as +1 555-0100, quality GREEN', phone_number: { id: WA_NUMBER }, token_source: 'user' },
    });
    expect(whatsapp.received.at(-1)).toMatchObject({ route: 'phone_number', path: `/v21.0/${WA_NUMBER}`, headers: { authorization: `Bearer ${WA_TOKEN}` } });

    const wrongNumber = await api('PUT', '/api/integrations/whatsapp', { user_id: 'bob', credentials: { access_token: WA_TOKEN }, settings: { phone_number_id: '999000999' } });
    expect(wrongNumber.body).toMatchObject({ status: 'error', health: { configured: true, healthy: false } });
    const wrongToken = await api('PUT', '/api/integrations/whatsapp', { user_id: 'carol', credentials: { access_token: 'bad-token-zzz' }, settings: { phone_number_id: '555000555' } });
    expect(wrongToken.body).toMatchObject({ status: 'error', health: { healthy: false } });
    expect(wrongToken.body.health.message).toMatch(/190/);

    const nothing = await api('PUT', '/api/integrations/whatsapp', { user_id: 'dan' });
    expect(nothing.body).toMatchObject({ status: 'not_configured', settings: {}, credentials_configured: [], health: { configured: false, healthy: false, token_source: 'none' } });
  });

  it('falls back to the default token for a connection without its own, and says so', async () => {
    const api = await start({ 'actions.calendly.access_token': ALICE_TOKEN });
    const put = await api('PUT', '/api/integrations/calendly', { user_id: 'erin', settings: { event_type: 'Sales Call' } });
    expect(put.body).toMatchObject({ status: 'connected', credentials_configured: [], health: { healthy: true, token_source: 'default' } });
  });

  it('re-runs the health check on POST …/health and stores it; 404 for a platform the user has not connected', async () => {
    const api = await start();
    const connected = await api('PUT', '/api/integrations/calendly', { user_id: 'alice', credentials: { access_token: ALICE_TOKEN } });
    calendly.failNext(1, 503, 'users.me');
    await new Promise((resolve) => setTimeout(resolve, 5));
    const failing = await api('POST', '/api/integrations/calendly/health?user_id=alice');
    expect(failing.status).toBe(200);
    // updated_at is when the connection was configured; the check has its own checked_at.
    expect(failing.body.updated_at).toBe(connected.body.updated_at);
    expect(failing.body.health.checked_at).not.toBe(connected.body.health.checked_at);
    expect(failing.body).toMatchObject({ status: 'error', health: { configured: true, healthy: false } });
    expect((await api('GET', '/api/integrations?user_id=alice')).body.integrations.calendly).toMatchObject({ status: 'error', health: { healthy: false } });

    const healthy = await api('POST', '/api/integrations/calendly/health?user_id=alice');
    expect(healthy.body).toMatchObject({ status: 'connected', health: { healthy: true } });

    const missing = await api('POST', '/api/integrations/whatsapp/health?user_id=alice');
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('platform_integration_not_found');
    expect(missing.body.error).toMatchObject({ message: 'User "alice" has not connected whatsapp.' });
  });

  it('disconnects a platform: 404 when it is not connected', async () => {
    const api = await start();
    await api('PUT', '/api/integrations/whatsapp', { user_id: 'alice', credentials: { access_token: WA_TOKEN }, settings: { phone_number_id: WA_NUMBER } });
    await api('PUT', '/api/integrations/calendly', { user_id: 'alice', credentials: { access_token: ALICE_TOKEN } });

    expect(await api('DELETE', '/api/integrations/whatsapp?user_id=alice')).toEqual({ status: 200, body: { user_id: 'alice', platform: 'whatsapp', deleted: true } });
    const again = await api('DELETE', '/api/integrations/whatsapp?user_id=alice');
    expect(again.status).toBe(404);
    expect(again.body.error.message).toBe('User "alice" has not connected whatsapp.');
    expect(await api('DELETE', '/api/integrations/calendly?user_id=bob')).toMatchObject({ status: 404 });
    expect((await api('GET', '/api/integrations?user_id=alice')).body.integrations).toMatchObject({ whatsapp: { status: 'not_connected' }, calendly: { status: 'connected' } });
  });

  it('refuses bad input with a JSON error naming the problem, and changes nothing', async () => {
    const api = await start();
    await api('PUT', '/api/integrations/whatsapp', { user_id: 'alice', credentials: { access_token: WA_TOKEN }, settings: { phone_number_id: WA_NUMBER } });
    const before = await rows();
    const received = whatsapp.received.length + calendly.received.length;

    const unknown = await api('PUT', '/api/integrations/slack', { user_id: 'alice', credentials: { access_token: 'x' } });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error).toMatchObject({ code: 'platform_unknown', message: 'Unknown platform "slack"; use one of calendly, whatsapp.' });
    expect((await api('DELETE', '/api/integrations/slack?user_id=alice')).status).toBe(400);
    expect((await api('POST', '/api/integrations/slack/health?user_id=alice')).status).toBe(400);

    const noUser = await api('PUT', '/api/integrations/calendly', { credentials: { access_token: 'x' } });
    expect(noUser.status).toBe(400);
    expect(noUser.body.error.code).toBe('validation_failed');
    expect(noUser.body.error.message).toMatch(/user_id/);
    expect((await api('GET', '/api/integrations')).body.error).toMatchObject({ code: 'validation_failed', message: expect.stringMatching(/user_id/) });
    expect((await api('DELETE', '/api/integrations/whatsapp')).status).toBe(400);
    expect((await api('POST', '/api/integrations/whatsapp/health')).status).toBe(400);

    for (const credentials of ['token', ['a'], 42, null]) {
      const bad = await api('PUT', '/api/integrations/whatsapp', { user_id: 'alice', credentials });
      expect(bad.status, JSON.stringify(credentials)).toBe(400);
      expect(bad.body.error.code).toBe('validation_failed');
      expect(bad.body.error.message).toMatch(/credentials/);
    }
    // A token that is not a string is not stored as the text of one.
    for (const token of [42, true, { nested: 'x' }, '']) {
      const bad = await api('PUT', '/api/integrations/whatsapp', { user_id: 'alice', credentials: { access_token: token } });
      expect(bad.status, JSON.stringify(token)).toBe(422);
      expect(bad.body.error).toMatchObject({ code: 'integration_config_invalid', details: [{ path: 'credentials.access_token', message: expect.stringMatching(/string/) }] });
    }
    expect((await api('PUT', '/api/integrations/whatsapp', { user_id: 'alice', settings: 'x' })).status).toBe(400);
    expect((await api('PUT', '/api/integrations/whatsapp', { user_id: 'alice', extra: 1 })).status).toBe(400);

    const secretInSettings = await api('PUT', '/api/integrations/whatsapp', { user_id: 'alice', settings: { access_token: 'bad-token-zzz' } });
    expect(secretInSettings.status).toBe(422);
    expect(secretInSettings.body.error).toMatchObject({ code: 'integration_config_invalid', details: [{ path: 'settings.access_token', message: expect.stringMatching(/credentials/) }] });
    for (const key of ['privateKey', 'PRIVATE_KEY', 'signing-key', 'apiKey', 'client_secret']) {
      const refused = await api('PUT', '/api/integrations/calendly', { user_id: 'alice', credentials: { access_token: ALICE_TOKEN }, settings: { [key]: 'not-for-clear-text' } });
      expect(refused.status, key).toBe(422);
      expect(refused.body.error.details, key).toEqual([{ path: `settings.${key}`, message: expect.stringMatching(/credentials/) }]);
    }
    const numberInCredentials = await api('PUT', '/api/integrations/whatsapp', { user_id: 'alice', credentials: { access_token: WA_TOKEN, phone_number_id: WA_NUMBER } });
    expect(numberInCredentials.body.error).toMatchObject({ code: 'integration_config_invalid', details: [{ path: 'credentials.phone_number_id' }] });
    const numericNumber = await api('PUT', '/api/integrations/whatsapp', { user_id: 'alice', settings: { phone_number_id: 106540352242922 } });
    expect(numericNumber.body.error).toMatchObject({ code: 'integration_config_invalid', details: [{ path: 'settings.phone_number_id' }] });
    const taken = await api('PUT', '/api/integrations/whatsapp', { user_id: 'bob', credentials: { access_token: WA_TOKEN }, settings: { phone_number_id: WA_NUMBER } });
    expect(taken.status).toBe(422);
    expect(taken.body.error.details).toEqual([{ path: 'settings.phone_number_id', message: expect.stringMatching(/another user/) }]);

    const unauthenticated = await api('PUT', '/api/integrations/calendly', { user_id: 'alice' }, {});
    expect(unauthenticated.status).toBe(401);
    expect((await api('GET', '/api/integrations?user_id=alice', undefined, { authorization: 'Bearer wrong' })).status).toBe(401);

    expect(await rows()).toEqual(before);
    expect(whatsapp.received.length + calendly.received.length).toBe(received);
  });
});
