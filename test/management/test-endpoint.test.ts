import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSwitchboard, type TestSwitchboard } from '../support/test-switchboard.js';

interface TestReport {
  endpoint_id: string;
  outcome: string;
  status: number | null;
  response: { event_id?: string; status?: string; error?: { code: string } } | null;
  request: { url: string | null; headers: Record<string, string>; body: unknown };
  message: string;
}

/** `POST /integration/webhooks/test/{id}` over a real listening socket: the sample goes through the real receive path. */
describe('management API: the test endpoint (real sockets)', () => {
  let sb: TestSwitchboard;
  beforeAll(async () => {
    sb = await startTestSwitchboard({ listen: true });
  });
  afterAll(async () => {
    await sb.stop();
  });

  const api = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${sb.url}${path}`, {
      method,
      headers: { ...sb.auth, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, text: await response.text() };
  };

  it.each([
    ['standard-webhooks', {}],
    ['chainsync', { secret: 'chainsync-secret-0123456789' }],
    ['stripe', { secret: 'whsec_stripe_test_0123456789' }],
  ])('signs a sample with the %s scheme, which the receive path accepts and stores', (scheme, extra) => checkTestEndpoint(scheme, extra));

  // Twilio posts forms, so its sample is form-encoded and signed over the URL plus sorted parameters.
  it('signs a sample with the twilio scheme, which the receive path accepts and stores', () =>
    checkTestEndpoint('twilio', { secret: 'twilio-auth-token-0123456789' }),
  );

  async function checkTestEndpoint(scheme: string, extra: { secret?: string }): Promise<void> {
    const endpointId = `test-${scheme}`;
    const registered = await api('POST', '/integration/webhooks/register', { endpoint_id: endpointId, verification: { scheme }, ...extra });
    expect(registered.status).toBe(201);

    const tested = await api('POST', `/integration/webhooks/test/${endpointId}`);
    expect(tested.status).toBe(200);
    const report = JSON.parse(tested.text) as TestReport;
    expect(report, tested.text).toMatchObject({ endpoint_id: endpointId, outcome: 'accepted', status: 202, response: { status: 'accepted' } });
    // Schemes that sign the URL may add a query (Twilio's bodySHA256).
    expect(report.request.url?.split('?')[0]).toBe(`${sb.url}/integration/webhooks/${endpointId}`);
    for (const [name, value] of Object.entries(report.request.headers)) {
      if (/signature/i.test(name)) expect(value).toBe('[redacted]');
    }
    if (extra.secret !== undefined) expect(tested.text).not.toContain(extra.secret);

    const eventId = report.response?.event_id as string;
    const event = await api('GET', `/api/v1/events/${eventId}`);
    expect(event.status).toBe(200);
    // The stored data is exactly what was sent: the JSON sample, or Twilio's form fields.
    const sent = report.request.body as Record<string, unknown>;
    const expected = scheme === 'twilio' ? { data: JSON.stringify({ message: 'Test webhook sent by Switchboard' }) } : { data: { message: 'Test webhook sent by Switchboard' } };
    expect(sent).toMatchObject(expected);
    expect(JSON.parse(event.text)).toMatchObject({ id: eventId, source: endpointId, type: 'switchboard.test', data: sent });
  }

  it('sends a given payload, typed from the endpoint\'s subscribed events', async () => {
    await api('POST', '/integration/webhooks/register', { endpoint_id: 'test-payload', events: ['invoice.paid'] });
    const tested = JSON.parse((await api('POST', '/integration/webhooks/test/test-payload', { payload: { type: 'invoice.paid', amount: 42 } })).text) as TestReport;
    expect(tested.outcome).toBe('accepted');
    const event = JSON.parse((await api('GET', `/api/v1/events/${tested.response?.event_id}`)).text) as { type: string; data: unknown };
    expect(event).toMatchObject({ type: 'invoice.paid', data: { type: 'invoice.paid', amount: 42 } });
  });

  it('reports cannot_sign for an endpoint with an api_key unless the key is passed', async () => {
    const apiKey = 'test-endpoint-api-key-0123456789';
    expect((await api('POST', '/integration/webhooks/register', { endpoint_id: 'test-keyed', api_key: apiKey, secret: 'keyed-secret-0123456789', verification: { scheme: 'chainsync' } })).status).toBe(201);

    const without = JSON.parse((await api('POST', '/integration/webhooks/test/test-keyed', {})).text) as TestReport;
    expect(without).toMatchObject({ outcome: 'cannot_sign', status: null, response: null });
    expect(without.message).toMatch(/api_key/);

    const wrong = JSON.parse((await api('POST', '/integration/webhooks/test/test-keyed', { api_key: 'not-the-key-0123456789' })).text) as TestReport;
    expect(wrong).toMatchObject({ outcome: 'rejected', status: 401, response: { error: { code: 'api_key_invalid' } } });

    const withKey = await api('POST', '/integration/webhooks/test/test-keyed', { api_key: apiKey });
    expect(JSON.parse(withKey.text)).toMatchObject({ outcome: 'accepted', status: 202 });
    expect(withKey.text).not.toContain(apiKey);

    const apiKeyScheme = { endpoint_id: 'test-api-key-scheme', api_key: apiKey, verification: { scheme: 'api-key' } };
    expect((await api('POST', '/integration/webhooks/register', apiKeyScheme)).status).toBe(201);
    expect(JSON.parse((await api('POST', '/integration/webhooks/test/test-api-key-scheme')).text)).toMatchObject({ outcome: 'cannot_sign' });
    expect(JSON.parse((await api('POST', '/integration/webhooks/test/test-api-key-scheme', { api_key: apiKey })).text)).toMatchObject({ outcome: 'accepted', status: 202 });
  });

  it('answers 404 for an unknown endpoint and 401 without the admin key', async () => {
    const unknown = await api('POST', '/integration/webhooks/test/nobody');
    expect(unknown.status).toBe(404);
    expect(JSON.parse(unknown.text)).toMatchObject({ error: { code: 'endpoint_not_found' } });
    const anonymous = await fetch(`${sb.url}/integration/webhooks/test/test-standard-webhooks`, { method: 'POST' });
    expect(anonymous.status).toBe(401);
  });
});
