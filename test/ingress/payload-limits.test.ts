import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSwitchboard, type TestSwitchboard } from '../support/test-switchboard.js';
import { countEvents, expectErrorBody, expectHealthy, expectRefused, post, registerEndpoint, signedHeaders, waitForLog } from './support/ingress-client.js';
import { rawHttp, streamChunkedBody } from './support/raw-http.js';

const LIMIT = 1024;
const FIFTY_MB = 50 * 1024 * 1024;

describe('payload size and content type', () => {
  let sb: TestSwitchboard;
  let secret: string;

  beforeAll(async () => {
    sb = await startTestSwitchboard({ listen: true });
    secret = await registerEndpoint(sb, { endpoint_id: 'small', max_payload_bytes: LIMIT });
  });
  afterAll(async () => {
    await sb?.stop();
  });

  const signed = (body: string, contentType: string) => ({ ...signedHeaders('standard-webhooks', body, secret), 'content-type': contentType });

  it('answers 413 payload_too_large for a declared Content-Length over the limit, and accepts one at the limit', async () => {
    const tooBig = JSON.stringify({ type: 'big', pad: 'x'.repeat(2048) });
    await expectRefused(sb, { status: 413, code: 'payload_too_large', endpointId: 'small' }, () =>
      post(sb, '/integration/webhooks/small', tooBig, signed(tooBig, 'application/json')),
    );
    const justFits = JSON.stringify({ type: 'fits', pad: 'x'.repeat(LIMIT - 24) });
    expect(Buffer.byteLength(justFits)).toBe(LIMIT);
    const accepted = await post(sb, '/integration/webhooks/small', justFits, signed(justFits, 'application/json'));
    expect(accepted.status).toBe(202);
    await accepted.arrayBuffer();
  });

  it('answers 413 to a declared 50 MB body before the body is sent, and closes the connection', async () => {
    const response = await rawHttp(
      sb.url,
      `POST /integration/webhooks/small HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${FIFTY_MB}\r\n\r\n{"type":`,
    );
    expect(response.status).toBe(413);
    expect(JSON.parse(response.body)).toEqual({ error: { code: 'payload_too_large', message: expect.any(String) } });
    expect(response.closedByServer).toBe(true);
  });

  it('stops reading a chunked body once it passes the limit: answers 413 early, then closes the connection', async () => {
    const eventsBefore = await countEvents(sb);
    // Repeated: a server that hangs up at once makes the kernel reset the connection, and the sender often loses the answer.
    for (let attempt = 0; attempt < 8; attempt += 1) {
      const upload = await streamChunkedBody(sb.url, '/integration/webhooks/small', 'application/json', FIFTY_MB);
      expect(upload.response.status).toBe(413);
      expect(JSON.parse(upload.response.body)).toEqual({ error: { code: 'payload_too_large', message: expect.any(String) } });
      expect(upload.response.closedByServer).toBe(true);
      // The answer came after the first chunks, and the server hung up long before 50 MB went through.
      expect(upload.sentBeforeResponse).toBeLessThan(1024 * 1024);
      expect(upload.sentInAll).toBeLessThan(8 * 1024 * 1024);
      if (attempt === 0) {
        const requestId = upload.response.headers['x-request-id'] as string;
        expect(await waitForLog(sb, 'small', requestId)).toMatchObject({ outcome: 'rejected', reason: 'payload_too_large', status: 413 });
      }
    }
    expect(await countEvents(sb)).toBe(eventsBefore);
    await expectHealthy(sb);
  });

  it('does not read a large body it refuses before reading (415, 404, 401): answers early, then closes the connection', async () => {
    for (const [path, contentType, status] of [
      ['/integration/webhooks/small', 'image/png', 415],
      ['/integration/webhooks/nobody-here', 'application/json', 404],
      ['/webhooks/no/such/path', 'application/json', 404],
      // Not only the receive paths: the management API refuses an unauthenticated upload before reading it.
      ['/integration/webhooks/register', 'application/json', 401],
    ] as const) {
      const upload = await streamChunkedBody(sb.url, path, contentType, FIFTY_MB);
      expect({ path, status: upload.response.status, closed: upload.response.closedByServer }).toEqual({ path, status, closed: true });
      expect(upload.sentInAll).toBeLessThan(8 * 1024 * 1024);
    }
    await expectHealthy(sb);
  });

  it('accepts a chunked body under the limit, and stores nothing when the client hangs up mid-body', async () => {
    const body = JSON.stringify({ type: 'chunked.ok', pad: 'y'.repeat(600) });
    const headers = signedHeaders('standard-webhooks', body, secret);
    const head = [
      'POST /integration/webhooks/small HTTP/1.1',
      'Host: 127.0.0.1',
      'Content-Type: application/json',
      'Transfer-Encoding: chunked',
      ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
    ].join('\r\n');
    const chunks = [body.slice(0, 300), body.slice(300, 500), body.slice(500)].map((part) => `${Buffer.byteLength(part).toString(16)}\r\n${part}\r\n`);
    const eventsBefore = await countEvents(sb);
    const accepted = await rawHttp(sb.url, `${head}\r\nConnection: close\r\n\r\n${chunks.join('')}0\r\n\r\n`);
    expect(accepted.status).toBe(202);
    expect(JSON.parse(accepted.body)).toMatchObject({ status: 'accepted' });
    expect(await countEvents(sb)).toBe(eventsBefore + 1);

    // Half a body, then the client is gone: nothing is stored and the server carries on.
    const abandoned = await rawHttp(sb.url, `${head}\r\n\r\n${chunks[0] ?? ''}`, 300);
    expect(abandoned.status).toBe(0);
    expect(await countEvents(sb)).toBe(eventsBefore + 1);
    await expectHealthy(sb);
  });

  it('answers 415 unsupported_media_type for image/png and other unsupported types, signed or not', async () => {
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
    await expectRefused(sb, { status: 415, code: 'unsupported_media_type', endpointId: 'small' }, () =>
      post(sb, '/integration/webhooks/small', png, { ...signedHeaders('standard-webhooks', png, secret), 'content-type': 'image/png' }),
    );
    for (const contentType of ['text/html; charset=utf-8', 'multipart/form-data; boundary=x']) {
      await expectRefused(sb, { status: 415, code: 'unsupported_media_type', endpointId: 'small' }, () =>
        post(sb, '/integration/webhooks/small', 'a=1', signed('a=1', contentType)),
      );
    }
  });

  it('answers a management-API body over its own limit with 413 in the error format', async () => {
    const response = await fetch(`${sb.url}/integration/webhooks/register`, {
      method: 'POST',
      headers: { ...sb.auth, 'content-type': 'application/json' },
      body: JSON.stringify({ endpoint_id: 'huge', url: 'x'.repeat(2 * 1024 * 1024) }),
    });
    await expectErrorBody(response, 413, 'payload_too_large');
    await expectHealthy(sb);
  });
});
