import twilio from 'twilio';
import { describe, expect, it } from 'vitest';
import { twilioScheme } from '../../src/ingress/verify/twilio.js';
import { makeRequest } from './make-request.js';
import { parseOptionsOrThrow } from './parse-options-or-throw.js';

const AUTH_TOKEN = '12345';
const NOW = Date.UTC(2025, 10, 26, 10, 30, 0);
const FORM = 'application/x-www-form-urlencoded';
const options = parseOptionsOrThrow(twilioScheme);

const verify = (url: string, body: string, signature: string, contentType = FORM, extraHeaders: Record<string, string> = {}) =>
  twilioScheme.verify(
    makeRequest({ body, url, contentType, headers: { 'X-Twilio-Signature': signature, ...extraHeaders } }),
    [AUTH_TOKEN],
    options,
    NOW,
  );

const sign = (url: string, body: string, formParams?: Record<string, string>): string =>
  twilioScheme.sign(Buffer.from(body), AUTH_TOKEN, options, { url, messageId: 'm', nowMs: NOW, formParams })['x-twilio-signature'] ?? '';

/** The example from Twilio's security documentation. */
const DOC_URL = 'https://mycompany.com/myapp.php?foo=1&bar=2';
const DOC_PARAMS = { CallSid: 'CA1234567890ABCDE', Caller: '+12349013030', Digits: '1234', From: '+12349013030', To: '+18005551212' };
const DOC_BODY = new URLSearchParams(DOC_PARAMS).toString();

describe('twilio', () => {
  it("verifies the documented example and twilio.getExpectedTwilioSignature's output", () => {
    expect(twilio.getExpectedTwilioSignature(AUTH_TOKEN, DOC_URL, DOC_PARAMS)).toBe('0/KCTR6DLpKmkAf8muzZqo1nDgQ=');
    expect(verify(DOC_URL, DOC_BODY, '0/KCTR6DLpKmkAf8muzZqo1nDgQ=')).toEqual({ ok: true, idempotencyKey: undefined });
  });

  it('signs what twilio.validateRequest accepts, from form parameters or from the raw form body', () => {
    expect(twilio.validateRequest(AUTH_TOKEN, sign(DOC_URL, DOC_BODY, DOC_PARAMS), DOC_URL, DOC_PARAMS)).toBe(true);
    expect(twilio.validateRequest(AUTH_TOKEN, sign(DOC_URL, DOC_BODY), DOC_URL, DOC_PARAMS)).toBe(true);
  });

  it('decodes form values (+, percent escapes, UTF-8) and sorts names the way Twilio does', () => {
    const params = { To: '+15559870000', Body: 'Caf\u00e9 & cr\u00e8me 100%', body: 'lower-case name sorts after upper', From: '+15551230000' };
    const body = new URLSearchParams(params).toString();
    const url = 'https://hooks.example.com/sms';
    expect(body).toContain('+');
    expect(verify(url, body, twilio.getExpectedTwilioSignature(AUTH_TOKEN, url, params))).toMatchObject({ ok: true });
  });

  it('signs a repeated parameter as its distinct values, sorted, as the Twilio SDKs do', () => {
    const url = 'https://hooks.example.com/status';
    const signature = twilio.getExpectedTwilioSignature(AUTH_TOKEN, url, { MediaUrl: ['b', 'a', 'b'], Sid: 'SM1' });
    expect(verify(url, 'MediaUrl=b&MediaUrl=a&MediaUrl=b&Sid=SM1', signature)).toMatchObject({ ok: true });
    expect(verify(url, 'MediaUrl=b&MediaUrl=a&MediaUrl=c&Sid=SM1', signature)).toMatchObject({ ok: false, code: 'signature_invalid' });
  });

  it('accepts the URL with or without the default port', () => {
    const bare = 'https://hooks.example.com/sms?x=1';
    const withPort = 'https://hooks.example.com:443/sms?x=1';
    expect(verify(withPort, DOC_BODY, twilio.getExpectedTwilioSignature(AUTH_TOKEN, bare, DOC_PARAMS))).toMatchObject({ ok: true });
    expect(verify(bare, DOC_BODY, twilio.getExpectedTwilioSignature(AUTH_TOKEN, withPort, DOC_PARAMS))).toMatchObject({ ok: true });
    const http = 'http://[::1]/sms';
    expect(verify(http, DOC_BODY, twilio.getExpectedTwilioSignature(AUTH_TOKEN, 'http://[::1]:80/sms', DOC_PARAMS))).toMatchObject({ ok: true });
    // Like the SDK, any explicit port may be dropped; the host and path may not change.
    const bareSignature = twilio.getExpectedTwilioSignature(AUTH_TOKEN, bare, DOC_PARAMS);
    expect(twilio.validateRequest(AUTH_TOKEN, bareSignature, 'https://hooks.example.com:8443/sms?x=1', DOC_PARAMS)).toBe(true);
    expect(verify('https://hooks.example.com:8443/sms?x=1', DOC_BODY, bareSignature)).toMatchObject({ ok: true });
    expect(verify('https://hooks.example.org:443/sms?x=1', DOC_BODY, bareSignature)).toMatchObject({ ok: false, code: 'signature_invalid' });
  });

  it('refuses a different URL: the URL is what Twilio signs', () => {
    const signature = twilio.getExpectedTwilioSignature(AUTH_TOKEN, DOC_URL, DOC_PARAMS);
    expect(verify('https://mycompany.com/myapp.php?foo=1&bar=3', DOC_BODY, signature)).toMatchObject({ ok: false, code: 'signature_invalid' });
  });

  describe('JSON bodies (bodySHA256)', () => {
    const body = JSON.stringify({ sid: 'EV1', type: 'com.twilio.messaging.message.delivered', data: { to: '+15559870000' } });
    const url = `https://hooks.example.com/events?bodySHA256=${twilio.getExpectedBodyHash(body)}`;

    it('verifies what Twilio signs (the URL alone) and checks the body hash', () => {
      const signature = twilio.getExpectedTwilioSignature(AUTH_TOKEN, url, {});
      expect(verify(url, body, signature, 'application/json')).toMatchObject({ ok: true });
      expect(verify(url, `${body} `, signature, 'application/json')).toMatchObject({ ok: false, code: 'signature_invalid' });
    });

    it('signs what twilio.validateRequestWithBody accepts', () => {
      expect(twilio.validateRequestWithBody(AUTH_TOKEN, sign(url, body), url, body)).toBe(true);
    });

    it('refuses a non-form body whose URL carries no bodySHA256, since nothing would cover the body', () => {
      const bare = 'https://hooks.example.com/events';
      const signature = twilio.getExpectedTwilioSignature(AUTH_TOKEN, bare, {});
      expect(verify(bare, body, signature, 'application/json')).toMatchObject({ ok: false, code: 'signature_invalid' });
      expect(verify(bare, '', signature, 'application/json')).toMatchObject({ ok: true });
    });
  });

  it('uses I-Twilio-Idempotency-Token as the idempotency key', () => {
    const signature = twilio.getExpectedTwilioSignature(AUTH_TOKEN, DOC_URL, DOC_PARAMS);
    const result = verify(DOC_URL, DOC_BODY, signature, FORM, { 'I-Twilio-Idempotency-Token': 'f8b1f2e0-2f1c-4c1e-9a39-0b0a5b1c2d3e' });
    expect(result).toEqual({ ok: true, idempotencyKey: 'f8b1f2e0-2f1c-4c1e-9a39-0b0a5b1c2d3e' });
  });
});
