import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { metaScheme } from '../../src/ingress/verify/meta.js';
import { makeRequest } from './make-request.js';
import { parseOptionsOrThrow } from './parse-options-or-throw.js';

const APP_SECRET = 'meta-app-secret-abc123';
const NOW = Date.UTC(2025, 10, 26, 10, 30, 0);
const options = parseOptionsOrThrow(metaScheme);

/** A WhatsApp Cloud API message as Meta sends it: non-ASCII text escaped as \uXXXX in the raw bytes. */
const WHATSAPP_BODY =
  '{"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"value":{"messaging_product":"whatsapp",' +
  '"messages":[{"from":"16315551181","id":"wamid.ABGGFlA5Fpa","timestamp":"1504902988","text":{"body":"Schedule a demo \\u00e0 10h \\ud83d\\udcc5"},"type":"text"}]},"field":"messages"}]}]}';

const metaSignature = (body: string): string => `sha256=${createHmac('sha256', APP_SECRET).update(body, 'utf8').digest('hex')}`;

describe('meta', () => {
  it('verifies the raw bytes Meta signed, escapes included', () => {
    const request = makeRequest({ body: WHATSAPP_BODY, headers: { 'X-Hub-Signature-256': metaSignature(WHATSAPP_BODY) } });
    expect(metaScheme.verify(request, [APP_SECRET], options, NOW)).toEqual({ ok: true });
  });

  it('refuses the same message re-serialised (escapes decoded), which is why only raw bytes work', () => {
    const reserialised = JSON.stringify(JSON.parse(WHATSAPP_BODY));
    expect(reserialised).not.toBe(WHATSAPP_BODY);
    const request = makeRequest({ body: reserialised, headers: { 'X-Hub-Signature-256': metaSignature(WHATSAPP_BODY) } });
    expect(metaScheme.verify(request, [APP_SECRET], options, NOW)).toMatchObject({ ok: false, code: 'signature_invalid' });
  });

  it('does not accept the legacy sha1 X-Hub-Signature alone', () => {
    const sha1 = `sha1=${createHmac('sha1', APP_SECRET).update(WHATSAPP_BODY).digest('hex')}`;
    const request = makeRequest({ body: WHATSAPP_BODY, headers: { 'X-Hub-Signature': sha1 } });
    expect(metaScheme.verify(request, [APP_SECRET], options, NOW)).toMatchObject({ ok: false, code: 'signature_missing' });
  });

  it('signs what an independent HMAC computes', () => {
    const headers = metaScheme.sign(Buffer.from(WHATSAPP_BODY), APP_SECRET, options, { url: '', messageId: 'm', nowMs: NOW });
    expect(headers).toEqual({ 'x-hub-signature-256': metaSignature(WHATSAPP_BODY) });
  });
});
