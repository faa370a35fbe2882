import { Webhook } from 'standardwebhooks';
import { Webhook as SvixWebhook } from 'svix';
import { describe, expect, it } from 'vitest';
import { standardWebhooksScheme } from '../../src/ingress/verify/standard-webhooks.js';
import { makeRequest } from './make-request.js';
import { parseOptionsOrThrow } from './parse-options-or-throw.js';

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const NOW = Date.UTC(2025, 10, 26, 10, 30, 0);
const PAYLOAD = '{"type":"invoice.paid","data":{"id":"in_1","amount":4200}}';
const options = parseOptionsOrThrow(standardWebhooksScheme);

const verify = (headers: Record<string, string>, body = PAYLOAD, nowMs = NOW, secrets = [SECRET]) =>
  standardWebhooksScheme.verify(makeRequest({ body, headers }), secrets, options, nowMs);

/** Renames webhook-* headers to their svix-* spelling. */
const asSvix = (headers: Record<string, string>): Record<string, string> =>
  Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.replace(/^webhook-/, 'svix-'), value]));

describe('standard-webhooks', () => {
  it('verifies the example from the Svix / Standard Webhooks documentation', () => {
    const headers = {
      'webhook-id': 'msg_p5jXN8AQM9LWM0D4loKWxJek',
      'webhook-timestamp': '1614265330',
      'webhook-signature': 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
    };
    expect(verify(headers, '{"test": 2432232314}', 1614265330_000)).toEqual({
      ok: true,
      idempotencyKey: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
      keptHeaders: { 'webhook-id': 'msg_p5jXN8AQM9LWM0D4loKWxJek', 'webhook-timestamp': '1614265330' },
    });
  });

  it('verifies what the standardwebhooks library signs', () => {
    const signature = new Webhook(SECRET).sign('msg_lib_1', new Date(NOW), PAYLOAD);
    const headers = { 'webhook-id': 'msg_lib_1', 'webhook-timestamp': String(NOW / 1000), 'webhook-signature': signature };
    expect(verify(headers)).toMatchObject({ ok: true, idempotencyKey: 'msg_lib_1' });
  });

  it('signs what the standardwebhooks library accepts (against the real clock, as that library reads it)', () => {
    const nowMs = Date.now();
    const headers = standardWebhooksScheme.sign(Buffer.from(PAYLOAD), SECRET, options, { url: '', messageId: 'msg_ours_1', nowMs });
    expect(new Webhook(SECRET).verify(PAYLOAD, headers)).toEqual(JSON.parse(PAYLOAD));
    expect(verify(headers, PAYLOAD, nowMs)).toMatchObject({ ok: true, idempotencyKey: 'msg_ours_1' });
  });

  it('verifies svix-* headers signed by the svix library, and signs what svix accepts under either spelling', () => {
    const signature = new SvixWebhook(SECRET).sign('msg_svix_1', new Date(NOW), PAYLOAD);
    const svixHeaders = { 'svix-id': 'msg_svix_1', 'svix-timestamp': String(NOW / 1000), 'svix-signature': signature };
    expect(verify(svixHeaders)).toEqual({
      ok: true,
      idempotencyKey: 'msg_svix_1',
      keptHeaders: { 'webhook-id': 'msg_svix_1', 'webhook-timestamp': String(NOW / 1000) },
    });

    const nowMs = Date.now();
    const ours = standardWebhooksScheme.sign(Buffer.from(PAYLOAD), SECRET, options, { url: '', messageId: 'msg_ours_2', nowMs });
    expect(new SvixWebhook(SECRET).verify(PAYLOAD, asSvix(ours))).toEqual(JSON.parse(PAYLOAD));
    expect(new SvixWebhook(SECRET).verify(PAYLOAD, ours)).toEqual(JSON.parse(PAYLOAD));
  });

  it('accepts a header listing several signatures when any v1 entry matches, and ignores other versions', () => {
    const good = new Webhook(SECRET).sign('msg_multi', new Date(NOW), PAYLOAD);
    const base = { 'webhook-id': 'msg_multi', 'webhook-timestamp': String(NOW / 1000) };
    const otherKey = new Webhook('whsec_' + Buffer.from('another key entirely').toString('base64')).sign('msg_multi', new Date(NOW), PAYLOAD);
    const goodDigest = good.slice('v1,'.length);
    expect(verify({ ...base, 'webhook-signature': `${otherKey} v1a,bm90IGFuIGVkMjU1MTkgc2ln ${good}` })).toMatchObject({ ok: true });
    expect(verify({ ...base, 'webhook-signature': `v1,!!! ${good}` })).toMatchObject({ ok: true });
    expect(verify({ ...base, 'webhook-signature': `v1a,${goodDigest}` })).toMatchObject({ ok: false, code: 'signature_invalid' });
    expect(verify({ ...base, 'webhook-signature': `v2,${goodDigest}` })).toMatchObject({ ok: false, code: 'signature_invalid' });
  });

  it('takes a secret without the whsec_ prefix as base64 as well', () => {
    const signature = new Webhook(SECRET).sign('msg_bare', new Date(NOW), PAYLOAD);
    const headers = { 'webhook-id': 'msg_bare', 'webhook-timestamp': String(NOW / 1000), 'webhook-signature': signature };
    expect(verify(headers, PAYLOAD, NOW, [SECRET.slice('whsec_'.length)])).toMatchObject({ ok: true });
  });

  it('does not mix header families, and signs the id and timestamp as well as the body', () => {
    const signature = new Webhook(SECRET).sign('msg_mix', new Date(NOW), PAYLOAD);
    const mixed = { 'webhook-signature': signature, 'svix-id': 'msg_mix', 'svix-timestamp': String(NOW / 1000) };
    expect(verify(mixed)).toMatchObject({ ok: false, code: 'signature_missing' });
    const headers = { 'webhook-id': 'msg_mix', 'webhook-timestamp': String(NOW / 1000), 'webhook-signature': signature };
    expect(verify({ ...headers, 'webhook-id': 'msg_other' })).toMatchObject({ ok: false, code: 'signature_invalid' });
    expect(verify({ ...headers, 'webhook-timestamp': String(NOW / 1000 + 1) })).toMatchObject({ ok: false, code: 'signature_invalid' });
  });

  it('refuses a millisecond timestamp (the spec says seconds)', () => {
    const headers = standardWebhooksScheme.sign(Buffer.from(PAYLOAD), SECRET, options, { url: '', messageId: 'msg_ms', nowMs: NOW });
    const signature = new Webhook(SECRET).sign('msg_ms', new Date(NOW * 1000), PAYLOAD);
    expect(verify({ ...headers, 'webhook-timestamp': String(NOW), 'webhook-signature': signature })).toMatchObject({
      ok: false,
      code: 'timestamp_out_of_window',
    });
  });

  it('rejects unknown and bad options', () => {
    expect(standardWebhooksScheme.parseOptions({ tolerance_seconds: 0 })).toMatchObject({ ok: false });
    expect(standardWebhooksScheme.parseOptions({ tolerance_seconds: '300' })).toMatchObject({ ok: false });
    const unknown = standardWebhooksScheme.parseOptions({ signature_header: 'x' });
    expect(unknown).toMatchObject({ ok: false });
    expect(unknown.ok ? '' : unknown.message).toContain('signature_header');
  });
});
