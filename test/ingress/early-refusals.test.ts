import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSwitchboard, type TestSwitchboard } from '../support/test-switchboard.js';
import { countEvents, expectHealthy, expectRefused, post, registerEndpoint, signedHeaders } from './support/ingress-client.js';

const BODY = JSON.stringify({ type: 'order.created', id: 1 });

/** Refusals decided from the URL and the socket alone (404, 410, 403), over real HTTP on SQLite. */
describe('refusals before the body is read', () => {
  let sb: TestSwitchboard;
  const secrets: Record<string, string> = {};

  beforeAll(async () => {
    sb = await startTestSwitchboard({ listen: true });
    secrets['gone'] = await registerEndpoint(sb, { endpoint_id: 'gone' });
    secrets['walled'] = await registerEndpoint(sb, { endpoint_id: 'walled', ip_allowlist: ['10.0.0.0/8', '2001:db8::/32'] });
    secrets['open'] = await registerEndpoint(sb, { endpoint_id: 'open', ip_allowlist: ['10.0.0.0/8', '127.0.0.0/8'] });
    secrets['single'] = await registerEndpoint(sb, { endpoint_id: 'single', ip_allowlist: ['127.0.0.1'] });
  });
  afterAll(async () => {
    await sb?.stop();
  });

  const signed = (endpointId: string) => ({ ...signedHeaders('standard-webhooks', BODY, secrets[endpointId] as string), 'content-type': 'application/json' });

  it('answers 404 endpoint_not_found for an unknown endpoint id on both id paths', async () => {
    for (const path of ['/integration/webhooks/nobody-here', '/api/v1/integrations/webhook/nobody-here']) {
      const { message } = await expectRefused(sb, { status: 404, code: 'endpoint_not_found' }, () => post(sb, path, BODY, signed('gone')));
      expect(message).toContain('nobody-here');
    }
  });

  it('answers 404 route_not_found for a path no endpoint registered', async () => {
    await expectRefused(sb, { status: 404, code: 'route_not_found' }, () => post(sb, '/webhooks/nobody/alert', BODY, signed('gone')));
    await expectRefused(sb, { status: 404, code: 'route_not_found' }, () => fetch(`${sb.url}/webhooks/nobody/alert`));
  });

  it('answers 410 endpoint_inactive once the endpoint is deleted, and logs the refusal', async () => {
    const accepted = await post(sb, '/integration/webhooks/gone', BODY, signed('gone'));
    expect(accepted.status).toBe(202);
    await accepted.arrayBuffer();
    const deleted = await fetch(`${sb.url}/integration/webhooks/gone`, { method: 'DELETE', headers: sb.auth });
    expect(await deleted.json()).toEqual({ endpoint_id: 'gone', active: false });
    await expectRefused(sb, { status: 410, code: 'endpoint_inactive', endpointId: 'gone' }, () => post(sb, '/integration/webhooks/gone', BODY, signed('gone')));
    const status = await fetch(`${sb.url}/integration/webhooks/gone/status`, { headers: sb.auth });
    expect(await status.json()).toMatchObject({ active: false, counts: { accepted: 1, rejected: 1 }, rejected_by_reason: { endpoint_inactive: 1 } });
  });

  it('answers 403 ip_not_allowed when 127.0.0.1 is outside the allowlist, even with a signed body', async () => {
    const { log } = await expectRefused(sb, { status: 403, code: 'ip_not_allowed', endpointId: 'walled' }, () =>
      post(sb, '/integration/webhooks/walled', BODY, signed('walled')),
    );
    expect(log?.client_ip).toBe('127.0.0.1');
  });

  it('does not let X-Forwarded-For bypass the allowlist while trust_proxy is off', async () => {
    for (const forwarded of ['10.1.2.3', '10.1.2.3, 10.9.9.9', '2001:db8::1']) {
      const { log } = await expectRefused(sb, { status: 403, code: 'ip_not_allowed', endpointId: 'walled' }, () =>
        post(sb, '/integration/webhooks/walled', BODY, { ...signed('walled'), 'x-forwarded-for': forwarded, 'x-real-ip': '10.1.2.3' }),
      );
      expect(log?.client_ip).toBe('127.0.0.1');
    }
  });

  it('accepts a client inside an IPv4 CIDR and a single allowed address', async () => {
    const before = await countEvents(sb);
    for (const endpointId of ['open', 'single']) {
      const response = await post(sb, `/integration/webhooks/${endpointId}`, BODY, signed(endpointId));
      expect(response.status).toBe(202);
      expect(await response.json()).toMatchObject({ status: 'accepted' });
    }
    expect(await countEvents(sb)).toBe(before + 2);
  });

  it('still answers GET /health', async () => {
    await expectHealthy(sb);
  });
});

describe('IPv6 allowlist on a server listening on ::1', () => {
  let sb: TestSwitchboard;

  beforeAll(async () => {
    sb = await startTestSwitchboard({ listen: true, config: { 'server.host': '::1' } });
  });
  afterAll(async () => {
    await sb?.stop();
  });

  it('accepts ::1 inside ::1/128 and refuses it when only IPv4 ranges are listed', async () => {
    expect(sb.url).toContain('[::1]');
    const v6Secret = await registerEndpoint(sb, { endpoint_id: 'v6', ip_allowlist: ['::1/128'] });
    const v4Secret = await registerEndpoint(sb, { endpoint_id: 'v4-only', ip_allowlist: ['127.0.0.0/8'] });
    const accepted = await post(sb, '/integration/webhooks/v6', BODY, { ...signedHeaders('standard-webhooks', BODY, v6Secret), 'content-type': 'application/json' });
    expect(accepted.status).toBe(202);
    await accepted.arrayBuffer();
    const { log } = await expectRefused(sb, { status: 403, code: 'ip_not_allowed', endpointId: 'v4-only' }, () =>
      post(sb, '/integration/webhooks/v4-only', BODY, { ...signedHeaders('standard-webhooks', BODY, v4Secret), 'content-type': 'application/json' }),
    );
    expect(log?.client_ip).toBe('::1');
  });
});

describe('IPv4 clients of a dual-stack server listening on ::', () => {
  let sb: TestSwitchboard;

  beforeAll(async () => {
    sb = await startTestSwitchboard({ listen: true, config: { 'server.host': '::' } });
  });
  afterAll(async () => {
    await sb?.stop();
  });

  it('matches an IPv4-mapped client address (::ffff:127.0.0.1) against IPv4 ranges', async () => {
    const base = `http://127.0.0.1:${new URL(sb.url).port}`;
    const secret = await registerEndpoint(sb, { endpoint_id: 'mapped', ip_allowlist: ['127.0.0.0/8'] });
    const walledSecret = await registerEndpoint(sb, { endpoint_id: 'mapped-walled', ip_allowlist: ['10.0.0.0/8', '::ffff:10.0.0.0/104'] });
    const accepted = await fetch(`${base}/integration/webhooks/mapped`, {
      method: 'POST',
      headers: { ...signedHeaders('standard-webhooks', BODY, secret), 'content-type': 'application/json' },
      body: BODY,
    });
    expect(accepted.status).toBe(202);
    await accepted.arrayBuffer();
    await expectRefused(sb, { status: 403, code: 'ip_not_allowed', endpointId: 'mapped-walled' }, () =>
      fetch(`${base}/integration/webhooks/mapped-walled`, {
        method: 'POST',
        headers: { ...signedHeaders('standard-webhooks', BODY, walledSecret), 'content-type': 'application/json' },
        body: BODY,
      }),
    );
  });
});
