import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { botlyneScheme } from '../../src/ingress/verify/botlyne.js';
import { makeRequest } from './make-request.js';
import { parseOptionsOrThrow } from './parse-options-or-throw.js';

const SECRET = 'your_webhook_secret';
const NOW = Date.UTC(2025, 10, 26, 10, 30, 0, 123);
const options = parseOptionsOrThrow(botlyneScheme);

/** Botlyne's JavaScript client: the timestamp is `Date.now()`, in milliseconds. */
function clientRequest(timestamp: number) {
  const payload = { message: { body: 'Hello from webhook' }, timestamp };
  const body = JSON.stringify(payload);
  const signature = createHmac('sha256', SECRET).update(`${timestamp}.${body}`).digest('hex');
  return makeRequest({ body, headers: { 'X-Timestamp': String(payload.timestamp), 'X-Signature': signature } });
}

describe('botlyne', () => {
  it("accepts the client's millisecond timestamp", () => {
    expect(botlyneScheme.verify(clientRequest(NOW), [SECRET], options, NOW + 2_000)).toEqual({ ok: true });
  });

  it('accepts a timestamp in seconds as well', () => {
    expect(botlyneScheme.verify(clientRequest(Math.floor(NOW / 1000)), [SECRET], options, NOW)).toEqual({ ok: true });
  });

  it('applies the window to millisecond timestamps in both directions', () => {
    expect(botlyneScheme.verify(clientRequest(NOW - 301_000), [SECRET], options, NOW)).toMatchObject({ code: 'timestamp_out_of_window' });
    expect(botlyneScheme.verify(clientRequest(NOW + 301_000), [SECRET], options, NOW)).toMatchObject({ code: 'timestamp_out_of_window' });
    expect(botlyneScheme.verify(clientRequest(NOW - 299_000), [SECRET], options, NOW)).toEqual({ ok: true });
  });

  it('signs with a seconds timestamp that it verifies', () => {
    const body = Buffer.from('{"message":{"body":"hi"}}');
    const headers = botlyneScheme.sign(body, SECRET, options, { url: '', messageId: 'm', nowMs: NOW });
    expect(headers['x-timestamp']).toBe(String(Math.floor(NOW / 1000)));
    expect(botlyneScheme.verify(makeRequest({ body, headers }), [SECRET], options, NOW)).toEqual({ ok: true });
  });
});
