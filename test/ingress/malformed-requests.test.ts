import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSwitchboard, type TestSwitchboard } from '../support/test-switchboard.js';
import { countEvents, expectHealthy, expectRefused, getStatus, newWhsec, post, registerEndpoint, signedHeaders } from './support/ingress-client.js';
import { rawHttp, rawRequest } from './support/raw-http.js';

const BODY = JSON.stringify({ id: 'evt_dup', type: 'order.created' });
const API_KEY = 'raw-socket-api-key';

/** Header injection and oddities, sent byte for byte over raw sockets where a client library would refuse. */
describe('malformed and hostile requests', () => {
  let sb: TestSwitchboard | undefined;
  const secrets = { standard: newWhsec(), github: 'gh-secret-raw', stripe: 'whsec_stripe_raw', chainsync: 'chainsync-raw-secret' };

  const server = (): TestSwitchboard => {
    if (sb === undefined) throw new Error('server not started');
    return sb;
  };

  beforeAll(async () => {
    sb = await startTestSwitchboard({ listen: true });
    await registerEndpoint(sb, { endpoint_id: 'std', secret: secrets.standard });
    await registerEndpoint(sb, { endpoint_id: 'gh', verification: { scheme: 'github' }, secret: secrets.github });
    await registerEndpoint(sb, { endpoint_id: 'st', verification: { scheme: 'stripe' }, secret: secrets.stripe });
    await registerEndpoint(sb, { endpoint_id: 'cs', verification: { scheme: 'chainsync' }, secret: secrets.chainsync, api_key: API_KEY });
  });
  afterAll(async () => {
    await sb?.stop();
  });

  /** A raw POST whose header lines are exactly `lines` (names may repeat). */
  const rawPost = (path: string, lines: readonly string[], body = BODY) => rawHttp(server().url, rawRequest('POST', path, ['Content-Type: application/json', ...lines], body));

  it('refuses duplicated signature headers that hold no valid signature, for every scheme', async () => {
    const sb = server();
    const eventsBefore = await countEvents(sb);
    const std = signedHeaders('standard-webhooks', BODY, secrets.standard);
    const forgedStd = signedHeaders('standard-webhooks', BODY, newWhsec(), { messageId: std['webhook-id'] as string });
    const forgedStd2 = signedHeaders('standard-webhooks', `${BODY} `, secrets.standard, { messageId: std['webhook-id'] as string });
    const gh = signedHeaders('github', BODY, secrets.github);
    const st = signedHeaders('stripe', BODY, secrets.stripe);
    const stOld = signedHeaders('stripe', BODY, secrets.stripe, { nowMs: Date.now() - 1000 });
    const cs = signedHeaders('chainsync', BODY, secrets.chainsync);
    const attempts: Array<[string, string[]]> = [
      ['/integration/webhooks/std', [`webhook-id: ${std['webhook-id']}`, `webhook-timestamp: ${std['webhook-timestamp']}`, `webhook-signature: ${forgedStd['webhook-signature']}`, `webhook-signature: ${forgedStd2['webhook-signature']}`]],
      // Two ids: the signed content is ambiguous, so nothing verifies.
      ['/integration/webhooks/std', [`webhook-id: ${std['webhook-id']}`, 'webhook-id: msg_other', `webhook-timestamp: ${std['webhook-timestamp']}`, `webhook-signature: ${std['webhook-signature']}`]],
      // A valid signature repeated is still not one well-formed value.
      ['/integration/webhooks/gh', [`X-Hub-Signature-256: ${gh['x-hub-signature-256']}`, `X-Hub-Signature-256: ${gh['x-hub-signature-256']}`]],
      ['/integration/webhooks/st', [`Stripe-Signature: ${st['stripe-signature']}`, `Stripe-Signature: ${stOld['stripe-signature']}`]],
      ['/integration/webhooks/cs', [`X-API-Key: ${API_KEY}`, `X-Webhook-Timestamp: ${cs['x-webhook-timestamp']}`, `X-Webhook-Signature: ${cs['x-webhook-signature']}`, `X-Webhook-Signature: ${cs['x-webhook-signature']}`]],
      ['/integration/webhooks/cs', [`X-API-Key: ${API_KEY}`, `X-Webhook-Timestamp: ${cs['x-webhook-timestamp']}`, `X-Webhook-Timestamp: ${cs['x-webhook-timestamp']}`, `X-Webhook-Signature: ${cs['x-webhook-signature']}`]],
    ];
    for (const [path, lines] of attempts) {
      const response = await rawPost(path, lines);
      expect({ path, status: response.status, body: JSON.parse(response.body) as unknown }).toEqual({
        path,
        status: 401,
        body: { error: { code: 'signature_invalid', message: expect.any(String) } },
      });
    }
    // Two API keys (the right one twice) are not the right key.
    const twoKeys = await rawPost('/integration/webhooks/cs', [`X-API-Key: ${API_KEY}`, `X-API-Key: ${API_KEY}`, `X-Webhook-Timestamp: ${cs['x-webhook-timestamp']}`, `X-Webhook-Signature: ${cs['x-webhook-signature']}`]);
    expect(twoKeys.status).toBe(401);
    expect(JSON.parse(twoKeys.body)).toEqual({ error: { code: 'api_key_invalid', message: expect.any(String) } });
    expect(await countEvents(sb)).toBe(eventsBefore);
    await expect.poll(async () => (await getStatus(sb, 'cs')).rejected_by_reason).toEqual({ signature_invalid: 2, api_key_invalid: 1 });
  });

  it('answers large but legal header values with the verification error, and oversized headers with 431', async () => {
    const sb = server();
    const std = signedHeaders('standard-webhooks', BODY, secrets.standard);
    const bigSignature = `v1,${Buffer.alloc(6000, 1).toString('base64')}`;
    await expectRefused(sb, { status: 401, code: 'signature_invalid', endpointId: 'std' }, () =>
      post(sb, '/integration/webhooks/std', BODY, { ...std, 'webhook-signature': bigSignature, 'content-type': 'application/json' }),
    );
    await expectRefused(sb, { status: 401, code: 'api_key_invalid', endpointId: 'cs' }, () =>
      post(sb, '/integration/webhooks/cs', BODY, { ...signedHeaders('chainsync', BODY, secrets.chainsync), 'x-api-key': 'k'.repeat(12_000), 'content-type': 'application/json' }),
    );
    const eventsBefore = await countEvents(sb);
    const huge = await rawPost('/integration/webhooks/std', [`webhook-id: ${std['webhook-id']}`, `webhook-timestamp: ${std['webhook-timestamp']}`, `webhook-signature: ${'v1,'.padEnd(70_000, 'A')}`]);
    expect(huge.status).toBe(431);
    expect(JSON.parse(huge.body)).toEqual({ error: { code: 'headers_too_large', message: expect.any(String) } });
    expect(huge.closedByServer).toBe(true);
    expect(huge.raw).not.toContain('AAAA');
    expect(await countEvents(sb)).toBe(eventsBefore);
    await expectHealthy(sb);
  });

  it('answers 400 to CR/LF and other header injection attempts at the HTTP parser, and stays up', async () => {
    const sb = server();
    const eventsBefore = await countEvents(sb);
    const head = 'POST /integration/webhooks/std HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n';
    const attempts = {
      'bare CR splitting a header': `${head}X-Note: a\rWebhook-Signature: v1,AAAA\r\nContent-Length: 2\r\n\r\n{}`,
      'NUL in a header value': `${head}X-Note: a\0b\r\nContent-Length: 2\r\n\r\n{}`,
      'obsolete line folding': `${head}X-Note: a\r\n Webhook-Signature: v1,AAAA\r\nContent-Length: 2\r\n\r\n{}`,
      'Content-Length with Transfer-Encoding (smuggling)': `${head}Content-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nPOST /integration/webhooks/std HTTP/1.1\r\nHost: x\r\n\r\n`,
      'two different Content-Lengths': `${head}Content-Length: 2\r\nContent-Length: 3\r\n\r\n{}`,
      'a non-numeric Content-Length': `${head}Content-Length: 2x\r\n\r\n{}`,
      'a space in the request target': 'POST /integration/webhooks/std x HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n\r\n',
    };
    for (const [name, request] of Object.entries(attempts)) {
      const response = await rawHttp(sb.url, request);
      expect({ name, status: response.status, closed: response.closedByServer }).toEqual({ name, status: 400, closed: true });
      expect(response.headers['content-type']).toMatch(/^application\/json/);
      expect(JSON.parse(response.body), name).toEqual({ error: { code: 'request_malformed', message: expect.any(String) } });
      expect(response.raw).not.toMatch(/webhook-signature/i);
    }
    expect(await countEvents(sb)).toBe(eventsBefore);
    await expectHealthy(sb);
  });

  it('never reflects CR/LF or a hostile request id into response headers', async () => {
    const sb = server();
    const encoded = await rawHttp(sb.url, rawRequest('POST', '/integration/webhooks/x%0d%0aSet-Cookie:%20pwned=1', ['Content-Type: application/json'], '{}'));
    expect(encoded.status).toBe(404);
    expect(encoded.headers['set-cookie']).toBeUndefined();
    expect(JSON.parse(encoded.body)).toEqual({ error: { code: 'endpoint_not_found', message: 'No webhook endpoint "x\r\nSet-Cookie: pwned=1".' } });

    const hostileId = await rawHttp(sb.url, rawRequest('POST', '/integration/webhooks/std', ['Content-Type: application/json', 'X-Request-Id: a<b>"c'], BODY));
    expect(hostileId.status).toBe(401);
    expect(hostileId.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const goodId = await rawHttp(sb.url, rawRequest('GET', '/health', ['X-Request-Id: trace-123.abc']));
    expect(goodId.headers['x-request-id']).toBe('trace-123.abc');
  });

  it('still answers GET /health after everything above', async () => {
    await expectHealthy(server());
  });
});
