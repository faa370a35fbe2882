import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_JSON_DEPTH } from '../../src/ingress/webhooks/parse-webhook-body.js';
import { startTestSwitchboard, type TestSwitchboard } from '../support/test-switchboard.js';
import { expectHealthy, expectRefused, getEvent, post, registerEndpoint, signedHeaders } from './support/ingress-client.js';

/**
 * Bodies are verified first and parsed second: every body here is signed correctly, so a 400 can
 * only come from parsing. Accepted bodies must land in the event exactly as the sender meant them.
 */
describe('body parsing after verification', () => {
  let sb: TestSwitchboard;
  let secret: string;

  beforeAll(async () => {
    sb = await startTestSwitchboard({ listen: true });
    secret = await registerEndpoint(sb, { endpoint_id: 'bodies' });
  });
  afterAll(async () => {
    await sb?.stop();
  });

  const send = (body: Buffer | string, contentType: string | undefined) =>
    post(sb, '/integration/webhooks/bodies', body, {
      ...signedHeaders('standard-webhooks', body, secret),
      ...(contentType === undefined ? {} : { 'content-type': contentType }),
    });

  const accept = async (body: Buffer | string, contentType: string | undefined) => {
    const response = await send(body, contentType);
    const answer = (await response.json()) as { event_id: string; status: string };
    expect(response.status, JSON.stringify(answer)).toBe(202);
    expect(answer.status).toBe('accepted');
    return getEvent(sb, answer.event_id);
  };

  const invalidBodies: ReadonlyArray<[string, Buffer | string, string]> = [
    ['malformed JSON', '{"type": order.created}', 'application/json'],
    ['truncated JSON', '{"type":"order.created","items":[1,2', 'application/json'],
    ['an empty JSON body', '', 'application/json'],
    ['JSON with trailing garbage', '{"a":1} {"b":2}', 'application/json; charset=utf-8'],
    ['invalid UTF-8 in JSON', Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]), 'application/json'],
    ['an overlong UTF-8 encoding', Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc0, 0xaf, 0x22, 0x7d]), 'application/json'],
    ['invalid UTF-8 in text/plain', Buffer.from([0x68, 0x69, 0x80]), 'text/plain'],
    ['malformed XML', '<order><id>1</order>', 'text/xml'],
    ['truncated XML', '<?xml version="1.0"?><order><id>1</id>', 'application/xml'],
    ['XML naming an external entity', '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><r>&xxe;</r>', 'application/xml'],
    ['XML nested 5 000 levels deep', `${'<a>'.repeat(5000)}x${'</a>'.repeat(5000)}`, 'application/xml'],
    ['JSON nested 100 000 levels deep', `${'['.repeat(100_000)}${']'.repeat(100_000)}`, 'application/json'],
  ];

  it.each(invalidBodies)('answers 400 body_invalid for %s and stores nothing', async (_name, body, contentType) => {
    const { log } = await expectRefused(sb, { status: 400, code: 'body_invalid', endpointId: 'bodies' }, () => send(body, contentType));
    // The log keeps the request's headers, with the signature redacted.
    expect(log?.headers['webhook-signature']).toBe('[redacted]');
    expect(log?.headers['webhook-id']).toMatch(/^msg_/);
  });

  it('keeps JSON (with a charset parameter and a +json type) as sent', async () => {
    const event = await accept('{"type":"order.created","total":12.50,"nested":{"a":[1,"2",null]}}', 'application/json; charset=utf-8');
    expect(event).toMatchObject({ source: 'bodies', type: 'order.created', datacontenttype: 'application/json' });
    expect(event.data).toEqual({ type: 'order.created', total: 12.5, nested: { a: [1, '2', null] } });
    const cloudEvent = await accept('{"type":"com.example.thing","data":{"x":1}}', 'application/cloudevents+json');
    expect(cloudEvent).toMatchObject({ type: 'com.example.thing', datacontenttype: 'application/cloudevents+json', data: { data: { x: 1 } } });
  });

  it('accepts JSON nested exactly as deep as the limit, and serves it back', async () => {
    const depth = MAX_JSON_DEPTH;
    const event = await accept(`${'['.repeat(depth)}"deep"${']'.repeat(depth)}`, 'application/json');
    let node: unknown = event.data;
    for (let level = 0; level < depth; level += 1) node = (node as unknown[])[0];
    expect(node).toBe('deep');
    await expectRefused(sb, { status: 400, code: 'body_invalid', endpointId: 'bodies' }, () => send(`${'['.repeat(depth + 1)}${']'.repeat(depth + 1)}`, 'application/json'));
  });

  it('keeps form fields, repeated names as arrays, and a field named __proto__ as data', async () => {
    const event = await accept('Body=hello+world&From=%2B15551234567&tag=a&tag=b&__proto__=p&empty=', 'application/x-www-form-urlencoded');
    expect(event.datacontenttype).toBe('application/x-www-form-urlencoded');
    expect(event.type).toBe('webhook.received');
    const data = event.data as Record<string, unknown>;
    expect(Object.getOwnPropertyDescriptor(data, '__proto__')?.value).toBe('p');
    expect({ ...data, ['__proto__']: undefined }).toEqual({ Body: 'hello world', From: '+15551234567', tag: ['a', 'b'], empty: '', ['__proto__']: undefined });
  });

  it('keeps XML as a tree whose text values are exactly the text sent', async () => {
    const xml =
      '<?xml version="1.0" encoding="UTF-8"?>\n<order id="007" status="new">\n  <zip>02134</zip>\n  <phone>+15551234567</phone>\n' +
      '  <hex>0x1F</hex>\n  <note>Tom &amp; Jerry &lt;3 &#65;</note>\n  <item>pen</item>\n  <item>ink</item>\n</order>';
    const event = await accept(xml, 'text/xml; charset=utf-8');
    expect(event.datacontenttype).toBe('text/xml');
    expect(event.data).toMatchObject({
      order: { '@_id': '007', '@_status': 'new', zip: '02134', phone: '+15551234567', hex: '0x1F', note: 'Tom & Jerry <3 A', item: ['pen', 'ink'] },
    });
  });

  it('keeps text/plain as a string, and octet-stream and absent content types as base64 bytes', async () => {
    const text = await accept('héllo\nwörld', 'text/plain; charset=utf-8');
    expect(text).toMatchObject({ datacontenttype: 'text/plain', data: 'héllo\nwörld' });
    const bytes = randomBytes(300);
    const binary = await accept(bytes, 'application/octet-stream');
    expect(binary.datacontenttype).toBe('application/octet-stream');
    expect(binary.data).toBeUndefined();
    expect(Buffer.from(binary.data_base64 ?? '', 'base64').equals(bytes)).toBe(true);
    const untyped = await accept(Buffer.from([0, 1, 2, 255]), undefined);
    expect(untyped.datacontenttype).toBe('application/octet-stream');
    expect(untyped.data_base64).toBe(Buffer.from([0, 1, 2, 255]).toString('base64'));
  });

  it('still answers GET /health after the bad bodies', async () => {
    await expectHealthy(sb);
  });
});
