import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from '../support/test-database.js';
import { startTestSwitchboard, TEST_ADMIN_KEY, type TestSwitchboard } from '../support/test-switchboard.js';

interface ErrorBody {
  error: { code: string; message: string; details?: unknown };
}

describe.each(dialects)('management API: registering endpoints (%s)', (dialect) => {
  let sb: TestSwitchboard;
  beforeAll(async () => {
    sb = await startTestSwitchboard({ dialect });
  });
  afterAll(async () => {
    await sb.stop();
  });

  const register = (payload: unknown, headers: Record<string, string> = sb.auth) =>
    sb.app.inject({ method: 'POST', url: '/integration/webhooks/register', headers, payload: payload as Record<string, unknown> });

  it('answers 201 with a generated whsec_ secret (base64 of 32 bytes), shown once', async () => {
    const response = await register({ endpoint_id: 'generated', url: 'https://sender.example/hooks', events: ['order.*'] });
    expect(response.statusCode).toBe(201);
    const body = response.json<{ endpoint_id: string; secret: string; secret_notice: string; verification: { scheme: string }; active: boolean }>();
    expect(body.endpoint_id).toBe('generated');
    expect(body.verification.scheme).toBe('standard-webhooks');
    expect(body.active).toBe(true);
    expect(body.secret).toMatch(/^whsec_[A-Za-z0-9+/]+={0,2}$/);
    expect(Buffer.from(body.secret.slice('whsec_'.length), 'base64')).toHaveLength(32);
    expect(body.secret_notice).toMatch(/not shown again/);

    const again = await sb.app.inject({ method: 'GET', url: '/integration/webhooks/generated', headers: sb.auth });
    expect(again.statusCode).toBe(200);
    expect(again.body).not.toContain(body.secret);
    expect(again.json()).not.toHaveProperty('secret');
  });

  it('never echoes a secret the caller gave', async () => {
    const secret = 'caller-chosen-secret-value-0001';
    const response = await register({ endpoint_id: 'given-secret', secret, verification: { scheme: 'chainsync' } });
    expect(response.statusCode).toBe(201);
    expect(response.body).not.toContain(secret);
    expect(response.json()).not.toHaveProperty('secret');
  });

  it('answers 409 endpoint_exists for an endpoint_id already registered, and keeps the original', async () => {
    expect((await register({ endpoint_id: 'twice', url: 'https://first.example' })).statusCode).toBe(201);
    const second = await register({ endpoint_id: 'twice', url: 'https://second.example' });
    expect(second.statusCode).toBe(409);
    expect(second.json<ErrorBody>().error.code).toBe('endpoint_exists');
    const stored = await sb.app.inject({ method: 'GET', url: '/integration/webhooks/twice', headers: sb.auth });
    expect(stored.json<{ url: string }>().url).toBe('https://first.example');
  });

  it('answers 409 path_taken for a path another endpoint listens on', async () => {
    expect((await register({ endpoint_id: 'alert-a', path: '/webhooks/chainsync/alert' })).statusCode).toBe(201);
    const taken = await register({ endpoint_id: 'alert-b', path: '/webhooks/chainsync/alert' });
    expect(taken.statusCode).toBe(409);
    expect(taken.json<ErrorBody>().error.code).toBe('path_taken');
    expect((await sb.app.inject({ method: 'GET', url: '/integration/webhooks/alert-b', headers: sb.auth })).statusCode).toBe(404);
  });

  it.each([
    ['an unknown scheme', { endpoint_id: 'bad-scheme', verification: { scheme: 'carrier-pigeon' } }, 'verification_invalid'],
    ['unknown scheme options', { endpoint_id: 'bad-options', verification: { scheme: 'chainsync', algorithm: 'md5' } }, 'verification_invalid'],
    ['a bad option value', { endpoint_id: 'bad-tolerance', verification: { scheme: 'standard-webhooks', tolerance_seconds: -5 } }, 'verification_invalid'],
    ['hmac without its signature header', { endpoint_id: 'bad-hmac', verification: { scheme: 'hmac', algorithm: 'md5' } }, 'verification_invalid'],
    ['scheme none without allow_unsigned', { endpoint_id: 'unsigned', verification: { scheme: 'none' } }, 'unsigned_not_allowed'],
    ['scheme api-key without api_key', { endpoint_id: 'keyless', verification: { scheme: 'api-key' } }, 'verification_invalid'],
  ])('answers 422 for %s', async (_name, payload, code) => {
    const response = await register(payload);
    expect(response.statusCode).toBe(422);
    expect(response.json<ErrorBody>().error.code).toBe(code);
    expect((await sb.app.inject({ method: 'GET', url: `/integration/webhooks/${payload.endpoint_id}`, headers: sb.auth })).statusCode).toBe(404);
  });

  it('accepts scheme none when allow_unsigned is true', async () => {
    const response = await register({ endpoint_id: 'open', verification: { scheme: 'none' }, allow_unsigned: true });
    expect(response.statusCode).toBe(201);
    expect(response.json()).not.toHaveProperty('secret');
  });

  it.each([
    ['an unknown key', { endpoint_id: 'x1', colour: 'blue' }],
    ['a bad CIDR', { endpoint_id: 'x2', ip_allowlist: ['10.0.0.0/33'] }],
    ['a hostname in the allowlist', { endpoint_id: 'x3', ip_allowlist: ['example.com'] }],
    ['an endpoint_id with a slash', { endpoint_id: 'a/b' }],
    ['an endpoint_id starting with a dot', { endpoint_id: '.hidden' }],
    ['an empty endpoint_id', { endpoint_id: '' }],
    ['no endpoint_id', { url: 'https://x.example' }],
    ['a relative path', { endpoint_id: 'x4', path: 'webhooks/x' }],
    ['a path with a query', { endpoint_id: 'x5', path: '/webhooks/x?y=1' }],
    ['a path reserved for the API', { endpoint_id: 'x6', path: '/api/v1/events' }],
    ['an empty event pattern', { endpoint_id: 'x7', events: [''] }],
    ['a zero rate limit', { endpoint_id: 'x8', rate_limit: { requests: 0, per_seconds: 1 } }],
    ['a too-short secret', { endpoint_id: 'x9', secret: 'short' }],
    ['the endpoint_id "register", which is the registration route', { endpoint_id: 'register' }],
    ['an empty content_types list', { endpoint_id: 'x10', content_types: [] }],
    ['a content type with parameters', { endpoint_id: 'x11', content_types: ['application/json; charset=utf-8'] }],
  ])('answers 400 validation_failed for %s', async (_name, payload) => {
    const response = await register(payload);
    expect(response.statusCode).toBe(400);
    expect(response.json<ErrorBody>().error.code).toBe('validation_failed');
  });

  it('content_types: only bodies of those media types (globs, any case, parameters aside) are received; others 415 and nothing is stored', async () => {
    const response = await register({ endpoint_id: 'json-only', verification: { scheme: 'none' }, allow_unsigned: true, content_types: ['Application/JSON', '*+json'] });
    expect(response.statusCode).toBe(201);
    expect(response.json()).toMatchObject({ content_types: ['application/json', '*+json'] });
    expect((await sb.app.inject({ method: 'GET', url: '/integration/webhooks/json-only', headers: sb.auth })).json()).toMatchObject({ content_types: ['application/json', '*+json'] });
    const send = (contentType: string, payload: string) => sb.app.inject({ method: 'POST', url: '/integration/webhooks/json-only', headers: { 'content-type': contentType }, payload });
    for (const type of ['application/json', 'application/json; charset=utf-8', 'application/cloudevents+json']) expect((await send(type, '{"a":1}')).statusCode, type).toBe(202);
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'application/xml', 'application/octet-stream']) {
      const refused = await send(type, 'a=1');
      expect(refused.statusCode, type).toBe(415);
      expect(refused.json<ErrorBody>().error).toEqual({ code: 'unsupported_media_type', message: `Content type ${type} is not accepted by this endpoint; it accepts application/json, *+json.` });
    }
    const stored = await sb.store.db.selectFrom('events').select('datacontenttype').where('source', '=', 'json-only').execute();
    expect(stored.map((event) => event.datacontenttype).sort()).toEqual(['application/cloudevents+json', 'application/json', 'application/json']);
    // Refused before the body is read: a body too large for the endpoint is answered 415, not 413.
    expect((await register({ endpoint_id: 'json-small', verification: { scheme: 'none' }, allow_unsigned: true, content_types: ['application/json'], max_payload_bytes: 10 })).statusCode).toBe(201);
    const early = await sb.app.inject({ method: 'POST', url: '/integration/webhooks/json-small', headers: { 'content-type': 'text/plain' }, payload: 'x'.repeat(100) });
    expect(early.statusCode).toBe(415);
    // Without content_types, every type Switchboard reads is received, and the view says null.
    expect((await register({ endpoint_id: 'any-type', verification: { scheme: 'none' }, allow_unsigned: true })).json()).toMatchObject({ content_types: null });
    expect((await sb.app.inject({ method: 'POST', url: '/integration/webhooks/any-type', headers: { 'content-type': 'text/plain' }, payload: 'hello' })).statusCode).toBe(202);
  });

  it('answers 400 body_invalid for malformed JSON', async () => {
    const response = await sb.app.inject({
      method: 'POST',
      url: '/integration/webhooks/register',
      headers: { ...sb.auth, 'content-type': 'application/json' },
      payload: '{"endpoint_id": ',
    });
    expect(response.statusCode).toBe(400);
    expect(response.json<ErrorBody>().error.code).toBe('body_invalid');
  });

  it.each([
    ['no Authorization header', {}],
    ['a wrong bearer key', { authorization: 'Bearer not-the-admin-key-000000' }],
    ['the key without the Bearer scheme', { authorization: TEST_ADMIN_KEY }],
    ['Basic auth', { authorization: `Basic ${Buffer.from(`admin:${TEST_ADMIN_KEY}`).toString('base64')}` }],
  ])('answers 401 unauthorized with %s, and registers nothing', async (_name, headers) => {
    const response = await register({ endpoint_id: 'sneaky' }, headers);
    expect(response.statusCode).toBe(401);
    expect(response.json<ErrorBody>().error.code).toBe('unauthorized');
    for (const url of ['/integration/webhooks', '/integration/webhooks/generated', '/integration/webhooks/generated/status', '/api/v1/events']) {
      const read = await sb.app.inject({ method: 'GET', url, headers });
      expect(read.statusCode, url).toBe(401);
    }
    expect((await sb.app.inject({ method: 'GET', url: '/integration/webhooks/sneaky', headers: sb.auth })).statusCode).toBe(404);
  });

  it('never shows a secret or an API key in GET list or GET one', async () => {
    const secret = 'listing-secret-0123456789abcdef';
    const apiKey = 'listing-api-key-0123456789abcdef';
    const registered = await register({ endpoint_id: 'listed', secret, api_key: apiKey, verification: { scheme: 'chainsync' } });
    expect(registered.statusCode).toBe(201);
    expect(registered.body).not.toContain(apiKey);
    const generated = await register({ endpoint_id: 'listed-generated' });
    const generatedSecret = generated.json<{ secret: string }>().secret;

    const list = await sb.app.inject({ method: 'GET', url: '/integration/webhooks', headers: sb.auth });
    expect(list.statusCode).toBe(200);
    const one = await sb.app.inject({ method: 'GET', url: '/integration/webhooks/listed', headers: sb.auth });
    expect(one.statusCode).toBe(200);
    for (const text of [list.body, one.body]) {
      for (const value of [secret, apiKey, generatedSecret, generatedSecret.slice('whsec_'.length)]) expect(text).not.toContain(value);
      expect(text).not.toMatch(/"(secret|api_key|api_key_hash|secret_ciphertext)"/);
    }
    expect(one.json()).toMatchObject({ endpoint_id: 'listed', api_key_configured: true, verification: { scheme: 'chainsync' } });
    const ids = list.json<{ endpoints: Array<{ endpoint_id: string }> }>().endpoints.map((e) => e.endpoint_id);
    expect(ids).toEqual(expect.arrayContaining(['listed', 'listed-generated', 'generated']));
  });

  it('keeps secrets encrypted at rest and API keys hashed', async () => {
    const secret = 'at-rest-secret-0123456789abcdef';
    const apiKey = 'at-rest-api-key-0123456789abcdef';
    expect((await register({ endpoint_id: 'at-rest', secret, api_key: apiKey, verification: { scheme: 'chainsync' } })).statusCode).toBe(201);
    const generated = (await register({ endpoint_id: 'at-rest-generated' })).json<{ secret: string }>().secret;

    const secretRows = await sb.store.db.selectFrom('webhook_endpoint_secrets').selectAll().where('endpoint_id', 'in', ['at-rest', 'at-rest-generated']).execute();
    expect(secretRows).toHaveLength(2);
    const endpointRows = await sb.store.db.selectFrom('webhook_endpoints').selectAll().where('endpoint_id', 'in', ['at-rest', 'at-rest-generated']).execute();
    const raw = JSON.stringify([secretRows, endpointRows]);
    for (const plain of [secret, apiKey, generated, generated.slice('whsec_'.length), Buffer.from(secret).toString('base64'), Buffer.from(secret).toString('hex')]) {
      expect(raw).not.toContain(plain);
    }
    for (const row of secretRows) expect(row.secret_ciphertext).toMatch(/^v1\.[^.]+\.[^.]+\.[^.]+$/);
    expect(endpointRows.find((r) => r.endpoint_id === 'at-rest')?.api_key_hash).toMatch(/\S{20,}/);
  });
});
