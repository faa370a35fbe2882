import { afterEach, describe, expect, it } from 'vitest';
import { dialects } from '../../support/test-database.js';
import { startTestSwitchboard, type TestSwitchboard } from '../../support/test-switchboard.js';

const SECRET = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;

describe.each(dialects)('integration defaults and user overrides API (%s)', (dialect) => {
  let sb: TestSwitchboard | undefined;
  afterEach(async () => {
    await sb?.stop();
    sb = undefined;
  });

  async function start(config: Record<string, unknown> = {}) {
    sb = await startTestSwitchboard({ dialect, config: { 'delivery.test.enabled': true, ...config } });
    const server = sb;
    return async (method: string, url: string, payload?: unknown, headers: Record<string, string> = server.auth) => {
      const response = await server.app.inject({ method: method as 'GET', url, headers, ...(payload === undefined ? {} : typeof payload === 'string' ? { payload, headers: { ...headers, 'content-type': 'application/json' } } : { payload: payload as object }) });
      return { status: response.statusCode, body: response.body === '' ? undefined : JSON.parse(response.body) };
    };
  }

  it("lists seed 001's defaults, enabled from configuration and health", async () => {
    const api = await start();
    const { status, body } = await api('GET', '/api/v1/integration-defaults');
    expect(status).toBe(200);
    const table = Object.fromEntries(Object.entries(body.default_integrations as Record<string, { priority: number; retry_count: number; retry_delay_seconds: number; enabled: boolean }>).map(([type, d]) => [type, [d.priority, d.retry_count, d.retry_delay_seconds, d.enabled]]));
    expect(table).toEqual({ SLACK: [1, 3, 60, false], EMAIL: [2, 3, 60, false], WEBHOOK: [3, 1, 30, false], SMS: [4, 2, 45, false], TEST: [5, 1, 10, true] });
    expect(body.default_integrations.SLACK.config).toEqual({ thread_replies: false, mention_user: false, include_agent_info: true });
    expect(body.default_integrations.EMAIL.health).toMatchObject({ configured: false });
  });

  it("shows a user's overrides and effective configs exactly as seed 001 describes them", async () => {
    const api = await start();
    const created = await api('POST', '/api/v1/users/john.doe/integrations', {
      integration_type: 'EMAIL',
      enabled: true,
      config: { email_address: 'john.doe@company.com', format: 'html' },
      priority: 1,
      retry_count: 5,
      retry_delay_seconds: 30,
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ user_id: 'john.doe', integration_type: 'EMAIL', enabled: true, priority: 1, retry_count: 5, retry_delay_seconds: 30, inherited: [] });

    const john = (await api('GET', '/api/v1/users/john.doe/integration-defaults')).body;
    expect(john.user_id).toBe('john.doe');
    expect(john.using_integration_defaults).toBe(false);
    expect(john.user_overrides.EMAIL).toMatchObject({ enabled: true, priority: 1, retry_count: 5, retry_delay_seconds: 30, config: { email_address: 'john.doe@company.com', format: 'html' } });
    expect(john.effective_configs.EMAIL).toMatchObject({
      enabled: true,
      priority: 1,
      retry_count: 5,
      retry_delay_seconds: 30,
      config: { include_agent_info: true, email_address: 'john.doe@company.com', format: 'html' },
      source: 'override',
    });
    expect(john.effective_configs.SLACK).toMatchObject({ enabled: false, priority: 1, source: 'default' });

    const jane = (await api('GET', '/api/v1/users/jane.doe/integration-defaults')).body;
    expect(jane).toMatchObject({ user_id: 'jane.doe', user_overrides: {}, using_integration_defaults: true });
    expect(jane.effective_configs.TEST).toMatchObject({ enabled: true, priority: 5, retry_count: 1, retry_delay_seconds: 10, source: 'default' });
  });

  it('PUT changes only the given fields, merges config key by key, and creates the override when missing', async () => {
    const api = await start();
    await api('POST', '/api/v1/users/u1/integrations', { integration_type: 'EMAIL', config: { email_address: 'u1@example.com', format: 'text' }, retry_count: 4 });
    const updated = await api('PUT', '/api/v1/users/u1/integrations/EMAIL', { enabled: false, retry_count: 10, config: { format: null, include_agent_info: false } });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ enabled: false, retry_count: 10, priority: 2, inherited: ['priority', 'retry_delay_seconds'], config: { email_address: 'u1@example.com', include_agent_info: false } });
    expect(updated.body.config).not.toHaveProperty('format');
    const effective = (await api('GET', '/api/v1/users/u1/integration-defaults')).body.effective_configs.EMAIL;
    expect(effective).toMatchObject({ enabled: false, retry_count: 10, config: { format: 'html', email_address: 'u1@example.com', include_agent_info: false } });

    const fresh = await api('PUT', '/api/v1/users/u2/integrations/sms', { config: { phone_number: '+14155550100' } });
    expect(fresh.status).toBe(201);
    expect(fresh.body).toMatchObject({ integration_type: 'SMS', enabled: true, priority: 4, retry_count: 2, inherited: ['priority', 'retry_count', 'retry_delay_seconds'] });
    const replaced = await api('POST', '/api/v1/users/u2/integrations', { integration_type: 'sms', enabled: false });
    expect(replaced.status).toBe(200);
    expect(replaced.body).toMatchObject({ enabled: false, config: {} });
  });

  it('DELETE and reset bring a user back to the defaults', async () => {
    const api = await start();
    await api('POST', '/api/v1/users/u1/integrations', { integration_type: 'TEST', enabled: false });
    await api('POST', '/api/v1/users/u1/integrations', { integration_type: 'SMS', config: { phone_number: '+14155550100' } });
    expect((await api('GET', '/api/v1/users/u1/integrations')).body).toHaveLength(2);
    const deleted = await api('DELETE', '/api/v1/users/u1/integrations/TEST');
    expect(deleted).toEqual({ status: 200, body: { message: 'Integration configuration deleted', user_id: 'u1', integration_type: 'TEST' } });
    const again = await api('DELETE', '/api/v1/users/u1/integrations/TEST');
    expect(again.status).toBe(404);
    expect(again.body.error.code).toBe('integration_override_not_found');
    const reset = await api('POST', '/api/v1/users/u1/integration-defaults/reset');
    expect(reset.body).toEqual({ message: 'User u1 reset to integration defaults', user_id: 'u1', deleted_configs: 1 });
    expect((await api('GET', '/api/v1/users/u1/integration-defaults')).body).toMatchObject({ user_overrides: {}, using_integration_defaults: true });
  });

  it('keeps secrets encrypted at rest and never returns them; a generated webhook secret is shown once', async () => {
    const api = await start({ 'delivery.allow_private_networks': true });
    const given = await api('POST', '/api/v1/users/w1/integrations', { integration_type: 'WEBHOOK', config: { url: 'https://hooks.example.com/in', secret: SECRET } });
    expect(given.status).toBe(201);
    expect(JSON.stringify(given.body)).not.toContain(SECRET);
    expect(given.body.configured_secrets).toEqual(['secret']);
    const generated = await api('POST', '/api/v1/users/w2/integrations', { integration_type: 'WEBHOOK', config: { url: 'https://hooks.example.com/in' } });
    expect(generated.body.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    for (const user of ['w1', 'w2']) {
      const shown = JSON.stringify((await api('GET', `/api/v1/users/${user}/integration-defaults`)).body) + JSON.stringify((await api('GET', `/api/v1/users/${user}/integrations`)).body);
      expect(shown).not.toContain('whsec_');
    }
    const rows = await sb?.store.db.selectFrom('user_integration_configs').selectAll().execute();
    expect(rows).toHaveLength(2);
    for (const row of rows ?? []) {
      expect(row.config).not.toContain('whsec_');
      expect(row.secrets).toMatch(/^v1\./);
      expect(row.secrets).not.toContain('whsec_');
    }
    // A merge keeps the stored secret; only the URL changes.
    const moved = await api('PUT', '/api/v1/users/w1/integrations/WEBHOOK', { config: { url: 'https://hooks.example.com/v2' } });
    expect(moved.body).toMatchObject({ config: { url: 'https://hooks.example.com/v2' }, configured_secrets: ['secret'] });
  });

  it('names unknown config keys and what the channel takes, and says what a malformed address should be', async () => {
    const api = await start();
    const response = await api('POST', '/api/v1/users/u1/integrations', { integration_type: 'EMAIL', config: { email_adress: 'x@example.com' } });
    expect(response.body.error.details).toEqual([{ path: 'config.email_adress', message: expect.stringMatching(/^unknown key \(EMAIL takes: .*email_address/) }]);
    const malformed = await api('POST', '/api/v1/users/u1/integrations', { integration_type: 'EMAIL', config: { email_address: 'jane at example' } });
    expect(malformed.body.error.details).toEqual([{ path: 'config.email_address', message: 'is not an email address' }]);
  });

  it('refuses bad defaults in the config file at start, naming the key', async () => {
    await expect(startTestSwitchboard({ dialect, config: { 'delivery.defaults': { SLACK: { config: { webhook_url: 'https://hooks.slack.com/services/T/B/X' } }, EMAIL: { config: { formatt: 'html' } } } } })).rejects.toThrow(
      /delivery\.defaults\.SLACK\.config\.webhook_url: a secret[\s\S]*delivery\.defaults\.EMAIL\.config\.formatt: unknown key/,
    );
  });

  it('an operator changes a default through the API; it is kept and used', async () => {
    const api = await start();
    const changed = await api('PUT', '/api/v1/integration-defaults/test', { priority: 9, retry_count: 0, config: { label: 'qa' } });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ integration_type: 'TEST', priority: 9, retry_count: 0, enabled: true, managed_by: 'operator', config: { label: 'qa' } });
    expect((await api('GET', '/api/v1/users/anyone/integration-defaults')).body.effective_configs.TEST).toMatchObject({ priority: 9, retry_count: 0, config: { label: 'qa' } });
    const secret = await api('PUT', '/api/v1/integration-defaults/WEBHOOK', { config: { secret: SECRET } });
    expect(secret.status).toBe(422);
    expect(secret.body.error.code).toBe('integration_config_invalid');
  });

  describe('bad input gets a clear JSON error and changes nothing', () => {
    const cases: Array<[string, string, string, unknown, number, string]> = [
      ['an unknown integration type in the body', 'POST', '/api/v1/users/u1/integrations', { integration_type: 'FAX' }, 400, 'integration_type_unknown'],
      ['an unknown integration type in the path', 'PUT', '/api/v1/users/u1/integrations/FAX', { enabled: false }, 400, 'integration_type_unknown'],
      ['a config key the channel does not have', 'POST', '/api/v1/users/u1/integrations', { integration_type: 'EMAIL', config: { email_adress: 'x@example.com' } }, 422, 'integration_config_invalid'],
      ['an email_address that is not an address', 'POST', '/api/v1/users/u1/integrations', { integration_type: 'EMAIL', config: { email_address: 'not an address' } }, 422, 'integration_config_invalid'],
      ['an SMS phone_number not in E.164', 'PUT', '/api/v1/users/u1/integrations/SMS', { config: { phone_number: '0151 2345' } }, 422, 'integration_config_invalid'],
      ['a config value of the wrong type', 'POST', '/api/v1/users/u1/integrations', { integration_type: 'SLACK', config: { mention_user: 'yes' } }, 422, 'integration_config_invalid'],
      ['a webhook secret not in whsec_ form', 'POST', '/api/v1/users/u1/integrations', { integration_type: 'WEBHOOK', config: { url: 'https://hooks.example.com/x', secret: 'hunter2' } }, 422, 'integration_config_invalid'],
      ['a webhook URL that is not http(s)', 'POST', '/api/v1/users/u1/integrations', { integration_type: 'WEBHOOK', config: { url: 'ftp://hooks.example.com/x' } }, 422, 'integration_config_invalid'],
      ['priority 0', 'POST', '/api/v1/users/u1/integrations', { integration_type: 'EMAIL', priority: 0 }, 400, 'validation_failed'],
      ['a negative retry_count', 'PUT', '/api/v1/users/u1/integrations/EMAIL', { retry_count: -1 }, 400, 'validation_failed'],
      ['no integration_type', 'POST', '/api/v1/users/u1/integrations', { enabled: true }, 400, 'validation_failed'],
      ['an unknown field', 'POST', '/api/v1/users/u1/integrations', { integration_type: 'EMAIL', enabeld: false }, 400, 'validation_failed'],
      ['a body type different from the path', 'PUT', '/api/v1/users/u1/integrations/EMAIL', { integration_type: 'SMS' }, 422, 'integration_config_invalid'],
      ['malformed JSON', 'POST', '/api/v1/users/u1/integrations', '{"integration_type": "EMAIL",', 400, 'body_invalid'],
      ['a default with an invalid priority', 'PUT', '/api/v1/integration-defaults/EMAIL', { priority: 1000 }, 400, 'validation_failed'],
      ['a default of an unknown type', 'PUT', '/api/v1/integration-defaults/FAX', { priority: 2 }, 400, 'integration_type_unknown'],
    ];
    it.each(cases)('%s', async (_name, method, url, payload, status, code) => {
      const api = await start();
      const before = (await api('GET', '/api/v1/integration-defaults')).body;
      const response = await api(method, url, payload);
      expect(response.status).toBe(status);
      expect(response.body.error.code).toBe(code);
      expect(typeof response.body.error.message).toBe('string');
      expect((await api('GET', '/api/v1/users/u1/integrations')).body).toEqual([]);
      expect((await api('GET', '/api/v1/integration-defaults')).body).toEqual(before);
    });

    it('refuses calls without the admin key', async () => {
      const api = await start();
      const response = await api('GET', '/api/v1/users/u1/integration-defaults', undefined, {});
      expect(response.status).toBe(401);
      expect(response.body.error.code).toBe('unauthorized');
    });
  });
});
