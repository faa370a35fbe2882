import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { calendlyScheme } from '../../src/ingress/verify/calendly.js';
import { makeRequest } from './make-request.js';
import { parseOptionsOrThrow } from './parse-options-or-throw.js';

const SIGNING_KEY = 'calendly-webhook-signing-key-XyZ';
const NOW = Date.UTC(2025, 10, 26, 10, 30, 0);
const BODY = JSON.stringify({
  created_at: '2025-11-26T10:29:58.000000Z',
  created_by: 'https://api.calendly.com/users/AAAA',
  event: 'invitee.created',
  payload: { email: 'ana@example.com', name: 'Ana', uri: 'https://api.calendly.com/scheduled_events/E1/invitees/I1' },
});
const options = parseOptionsOrThrow(calendlyScheme);

/** The header as Calendly's documentation builds it: `t=<unix>,v1=<hex HMAC-SHA256 of "t.body">`. */
function calendlyHeader(t: number, body = BODY): string {
  return `t=${t},v1=${createHmac('sha256', SIGNING_KEY).update(`${t}.${body}`, 'utf8').digest('hex')}`;
}

const verify = (header: string, opts = options) =>
  calendlyScheme.verify(makeRequest({ body: BODY, headers: { 'Calendly-Webhook-Signature': header } }), [SIGNING_KEY], opts, NOW);

describe('calendly', () => {
  it('verifies the documented construction and reads the event name; the key is the event and the invitee', () => {
    expect(verify(calendlyHeader(NOW / 1000))).toEqual({
      ok: true,
      eventType: 'invitee.created',
      idempotencyKey: 'invitee.created https://api.calendly.com/scheduled_events/E1/invitees/I1',
    });
  });

  it("uses a 300 s window by default, and Calendly's suggested 180 s when configured", () => {
    const t = NOW / 1000 - 200;
    expect(verify(calendlyHeader(t))).toMatchObject({ ok: true });
    const strict = parseOptionsOrThrow(calendlyScheme, { tolerance_seconds: 180 });
    expect(verify(calendlyHeader(t), strict)).toMatchObject({ ok: false, code: 'timestamp_out_of_window' });
  });

  it('signs what the documented construction computes', () => {
    expect(calendlyScheme.sign(Buffer.from(BODY), SIGNING_KEY, options, { url: '', messageId: 'm', nowMs: NOW })).toEqual({
      'calendly-webhook-signature': calendlyHeader(NOW / 1000),
    });
  });
});
