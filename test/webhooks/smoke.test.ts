import { afterEach, describe, expect, it } from 'vitest';
import { getScheme } from '../../src/ingress/verify/scheme-registry.js';
import { dialects } from '../support/test-database.js';
import { startTestSwitchboard, type TestSwitchboard } from '../support/test-switchboard.js';

describe.each(dialects)('receive path smoke (%s)', (dialect) => {
  let sb: TestSwitchboard | undefined;
  afterEach(async () => {
    await sb?.stop();
    sb = undefined;
  });

  it('accepts a signed webhook and deduplicates its redelivery', async () => {
    sb = await startTestSwitchboard({ dialect });
    const registered = await sb.app.inject({ method: 'POST', url: '/integration/webhooks/register', headers: sb.auth, payload: { endpoint_id: 'smoke' } });
    expect(registered.statusCode).toBe(201);
    const secret = registered.json<{ secret: string }>().secret;
    expect(secret).toMatch(/^whsec_/);
    const scheme = getScheme('standard-webhooks');
    if (scheme === undefined) throw new Error('no scheme');
    const body = Buffer.from(JSON.stringify({ type: 'order.created', id: 1 }));
    const options = scheme.parseOptions({});
    if (!options.ok) throw new Error(options.message);
    const headers = scheme.sign(body, secret, options.options, { url: 'http://localhost/', messageId: 'msg_1', nowMs: Date.now() });
    const first = await sb.app.inject({ method: 'POST', url: '/integration/webhooks/smoke', headers: { ...headers, 'content-type': 'application/json' }, payload: body });
    expect(first.statusCode).toBe(202);
    const second = await sb.app.inject({ method: 'POST', url: '/integration/webhooks/smoke', headers: { ...headers, 'content-type': 'application/json' }, payload: body });
    expect(second.statusCode).toBe(200);
    expect(second.json()).toEqual({ event_id: first.json<{ event_id: string }>().event_id, status: 'duplicate' });
    const events = await sb.app.inject({ method: 'GET', url: '/api/v1/events', headers: sb.auth });
    expect(events.json<{ events: Array<{ type: string }> }>().events.map((e) => e.type)).toEqual(['order.created']);
  });
});
