import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hmacScheme } from '../../src/ingress/verify/hmac.js';
import { makeRequest } from './make-request.js';
import { parseOptionsOrThrow } from './parse-options-or-throw.js';

const SECRET = 'generic-secret';
const NOW = Date.UTC(2025, 10, 26, 10, 30, 0);
const NOW_S = String(NOW / 1000);
const BODY = '{"event":"order.shipped"}';

const refusal = (raw: Record<string, unknown>): string => {
  const parsed = hmacScheme.parseOptions(raw);
  expect(parsed.ok).toBe(false);
  return parsed.ok ? '' : parsed.message;
};

describe('hmac options', () => {
  it('fills the defaults', () => {
    expect(parseOptionsOrThrow(hmacScheme, { signature_header: 'X-Signature' })).toEqual({
      algorithm: 'sha256',
      encoding: 'hex',
      signature_header: 'x-signature',
      prefix: '',
      signed_content: '{body}',
    });
    expect(parseOptionsOrThrow(hmacScheme, { signature_header: 'x-signature', timestamp_header: 'X-Timestamp' })).toEqual({
      algorithm: 'sha256',
      encoding: 'hex',
      signature_header: 'x-signature',
      prefix: '',
      signed_content: '{timestamp}.{body}',
      timestamp_header: 'x-timestamp',
      timestamp_unit: 'seconds',
      tolerance_seconds: 300,
    });
  });

  it('requires signature_header and names unknown keys', () => {
    expect(refusal({})).toContain('"signature_header" is required');
    expect(refusal({ signature_header: 'x-sig', secret: 'hunter2-do-not-echo' })).toContain('unknown option "secret"');
    expect(refusal({ signature_header: 'x-sig', secret: 'hunter2-do-not-echo' })).not.toContain('hunter2');
  });

  it('refuses bad values, naming the key but never echoing the value', () => {
    expect(refusal({ signature_header: 'x-sig', algorithm: 'md5' })).toContain('"algorithm" must be one of sha1, sha256, sha512');
    expect(refusal({ signature_header: 'x-sig', encoding: 'base32' })).toContain('"encoding"');
    expect(refusal({ signature_header: 'x sig' })).toContain('"signature_header" must be an HTTP header name');
    expect(refusal({ signature_header: 42 })).toContain('"signature_header" must be a string');
    expect(refusal({ signature_header: 'x-sig', timestamp_header: 'x-ts', tolerance_seconds: -5 })).toContain('"tolerance_seconds"');
    expect(refusal({ signature_header: 'x-sig', timestamp_header: 'x-ts', tolerance_seconds: 1.5 })).toContain('"tolerance_seconds"');
    expect(refusal({ signature_header: 'x-sig', algorithm: 'whsec_supersecretvalue' })).not.toContain('supersecret');
  });

  it('allows {timestamp} only with a timestamp_header, and requires it there', () => {
    expect(refusal({ signature_header: 'x-sig', signed_content: '{timestamp}.{body}' })).toContain('no timestamp_header');
    expect(refusal({ signature_header: 'x-sig', timestamp_header: 'x-ts', signed_content: '{body}' })).toContain('must include {timestamp}');
    expect(refusal({ signature_header: 'x-sig', tolerance_seconds: 60 })).toContain('"tolerance_seconds" needs a timestamp_header');
    expect(refusal({ signature_header: 'x-sig', timestamp_unit: 'milliseconds' })).toContain('"timestamp_unit" needs a timestamp_header');
    expect(refusal({ signature_header: 'x-sig', timestamp_header: 'X-SIG' })).toContain('different headers');
  });

  it('requires {body} exactly once and no other placeholder', () => {
    expect(refusal({ signature_header: 'x-sig', signed_content: 'static' })).toContain('{body} exactly once');
    expect(refusal({ signature_header: 'x-sig', signed_content: '{body}{body}' })).toContain('{body} exactly once');
    expect(refusal({ signature_header: 'x-sig', signed_content: '{id}.{body}' })).toContain('only the placeholders');
  });

  it('reports every problem at once', () => {
    const message = refusal({ algorithm: 'md5', encoding: 'rot13', extra: 1 });
    for (const key of ['signature_header', 'algorithm', 'encoding', 'extra']) expect(message).toContain(`"${key}"`);
  });
});

describe('hmac verification', () => {
  const verify = (options: Record<string, unknown>, headers: Record<string, string>, body: string | Buffer = BODY) =>
    hmacScheme.verify(makeRequest({ body, headers }), [SECRET], parseOptionsOrThrow(hmacScheme, options), NOW);

  it('substitutes a custom template with the timestamp as sent and the body as raw bytes', () => {
    const body = Buffer.from([0x7b, 0xff, 0x00, 0xfe, 0x7d]); // not valid UTF-8: must not be decoded and re-encoded
    const signature = createHmac('sha256', SECRET)
      .update(Buffer.concat([Buffer.from(`ts=${NOW_S};payload=`), body, Buffer.from(';end')]))
      .digest('hex');
    const options = { signature_header: 'x-sig', timestamp_header: 'x-ts', signed_content: 'ts={timestamp};payload={body};end' };
    expect(verify(options, { 'x-sig': signature, 'x-ts': NOW_S }, body)).toEqual({ ok: true });
    expect(verify(options, { 'x-sig': signature, 'x-ts': NOW_S }, Buffer.from(body.toString('utf8')))).toMatchObject({ ok: false });
  });

  it('compares hex case-insensitively and the prefix case-insensitively', () => {
    const hex = createHmac('sha256', SECRET).update(BODY).digest('hex');
    const options = { signature_header: 'x-sig', prefix: 'sha256=' };
    expect(verify(options, { 'x-sig': `SHA256=${hex.toUpperCase()}` })).toEqual({ ok: true });
    expect(verify(options, { 'x-sig': hex })).toMatchObject({ ok: false, code: 'signature_invalid' });
  });

  it('takes a timestamp above 1e12 as milliseconds when the unit is seconds', () => {
    const ms = String(NOW);
    const signature = createHmac('sha256', SECRET).update(`${ms}.${BODY}`).digest('hex');
    expect(verify({ signature_header: 'x-sig', timestamp_header: 'x-ts' }, { 'x-sig': signature, 'x-ts': ms })).toEqual({ ok: true });
  });

  it('reads every timestamp as milliseconds when timestamp_unit says so', () => {
    const options = { signature_header: 'x-sig', timestamp_header: 'x-ts', timestamp_unit: 'milliseconds' };
    const signature = createHmac('sha256', SECRET).update(`${NOW_S}.${BODY}`).digest('hex');
    expect(verify(options, { 'x-sig': signature, 'x-ts': NOW_S })).toMatchObject({ ok: false, code: 'timestamp_out_of_window' });
  });

  it('signs sha512 base64 the way an independent HMAC does', () => {
    const options = parseOptionsOrThrow(hmacScheme, { signature_header: 'x-sig', algorithm: 'sha512', encoding: 'base64', prefix: 'v1=' });
    const headers = hmacScheme.sign(Buffer.from(BODY), SECRET, options, { url: '', messageId: 'm', nowMs: NOW });
    expect(headers).toEqual({ 'x-sig': `v1=${createHmac('sha512', SECRET).update(BODY).digest('base64')}` });
  });
});
