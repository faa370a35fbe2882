import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { stripeScheme } from '../../src/ingress/verify/stripe.js';
import { makeRequest } from './make-request.js';
import { parseOptionsOrThrow } from './parse-options-or-throw.js';

const stripe = new Stripe('sk_test_x');
const SECRET = 'whsec_test_secret_0123456789abcdef';
const NOW = Date.UTC(2025, 10, 26, 10, 30, 0);
const NOW_S = NOW / 1000;
const PAYLOAD = JSON.stringify({ id: 'evt_1QxYz', object: 'event', type: 'payment_intent.succeeded', data: { object: { id: 'pi_1' } } }, null, 2);
const options = parseOptionsOrThrow(stripeScheme);

const verify = (header: string | undefined, body = PAYLOAD, nowMs = NOW) =>
  stripeScheme.verify(makeRequest({ body, headers: { 'stripe-signature': header } }), [SECRET], options, nowMs);

describe('stripe', () => {
  it('verifies a header from stripe.webhooks.generateTestHeaderString and reads id and type from the event', () => {
    const header = stripe.webhooks.generateTestHeaderString({ payload: PAYLOAD, secret: SECRET, timestamp: NOW_S });
    expect(verify(header)).toEqual({ ok: true, idempotencyKey: 'evt_1QxYz', eventType: 'payment_intent.succeeded' });
  });

  it('signs a header that stripe.webhooks.constructEvent accepts', () => {
    const headers = stripeScheme.sign(Buffer.from(PAYLOAD), SECRET, options, { url: '', messageId: 'm', nowMs: NOW });
    const header = headers['stripe-signature'] ?? '';
    const event = stripe.webhooks.constructEvent(PAYLOAD, header, SECRET, 300, undefined, NOW);
    expect(event.id).toBe('evt_1QxYz');
    expect(() => stripe.webhooks.constructEvent(`${PAYLOAD} `, header, SECRET, 300, undefined, NOW)).toThrow();
  });

  it('accepts any of several v1 signatures and ignores v0 and unknown entries', () => {
    const header = stripe.webhooks.generateTestHeaderString({ payload: PAYLOAD, secret: SECRET, timestamp: NOW_S });
    const v1 = header.split(',v1=')[1] ?? '';
    const wrong = 'a'.repeat(64);
    expect(verify(`t=${NOW_S},v1=${wrong},v1=${v1},v0=${wrong}`)).toMatchObject({ ok: true });
    expect(verify(`t=${NOW_S}, v0=${wrong}, v1=${v1}, x=1`)).toMatchObject({ ok: true });
    expect(verify(`t=${NOW_S},v0=${v1}`)).toMatchObject({ ok: false, code: 'signature_invalid' });
  });

  it('refuses a header without exactly one timestamp', () => {
    const header = stripe.webhooks.generateTestHeaderString({ payload: PAYLOAD, secret: SECRET, timestamp: NOW_S });
    const v1 = header.split(',v1=')[1] ?? '';
    expect(verify(`v1=${v1}`)).toMatchObject({ ok: false, code: 'signature_invalid' });
    expect(verify(`t=${NOW_S},t=${NOW_S},v1=${v1}`)).toMatchObject({ ok: false, code: 'signature_invalid' });
    expect(verify(`t=${NOW_S + 1},v1=${v1}`)).toMatchObject({ ok: false, code: 'signature_invalid' });
  });

  it('refuses a future timestamp even though stripe-node only checks age', () => {
    const future = stripe.webhooks.generateTestHeaderString({ payload: PAYLOAD, secret: SECRET, timestamp: NOW_S + 600 });
    expect(() => stripe.webhooks.constructEvent(PAYLOAD, future, SECRET, 300, undefined, NOW)).not.toThrow();
    expect(verify(future)).toMatchObject({ ok: false, code: 'timestamp_out_of_window' });
  });

  it('leaves id and type undefined when the body is not a JSON event', () => {
    const header = stripe.webhooks.generateTestHeaderString({ payload: 'plain text', secret: SECRET, timestamp: NOW_S });
    expect(verify(header, 'plain text')).toEqual({ ok: true, idempotencyKey: undefined, eventType: undefined });
  });
});
