import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { shopifyScheme } from '../../src/ingress/verify/shopify.js';
import { makeRequest } from './make-request.js';
import { parseOptionsOrThrow } from './parse-options-or-throw.js';

const SECRET = 'shpss_0123456789abcdef';
const NOW = Date.UTC(2025, 10, 26, 10, 30, 0);
const BODY = '{"id":820982911946154508,"email":"jon@example.com","total_price":"199.00"}';
const options = parseOptionsOrThrow(shopifyScheme);
const shopifyHmac = (body: string): string => createHmac('sha256', SECRET).update(body, 'utf8').digest('base64');

describe('shopify', () => {
  it('verifies the base64 digest and reads webhook id, topic and shop', () => {
    const request = makeRequest({
      body: BODY,
      headers: {
        'X-Shopify-Hmac-Sha256': shopifyHmac(BODY),
        'X-Shopify-Topic': 'orders/create',
        'X-Shopify-Shop-Domain': 'example.myshopify.com',
        'X-Shopify-Webhook-Id': 'b54557e4-bdd9-4b37-8a5f-bf7d70bcd043',
        'X-Shopify-Event-Id': '98880550-7158-44d4-b7cd-2c97c8a091b5',
        'X-Shopify-Api-Version': '2025-10',
      },
    });
    expect(shopifyScheme.verify(request, [SECRET], options, NOW)).toEqual({
      ok: true,
      idempotencyKey: 'b54557e4-bdd9-4b37-8a5f-bf7d70bcd043',
      eventType: 'orders/create',
      keptHeaders: {
        'x-shopify-topic': 'orders/create',
        'x-shopify-shop-domain': 'example.myshopify.com',
        'x-shopify-webhook-id': 'b54557e4-bdd9-4b37-8a5f-bf7d70bcd043',
      },
    });
  });

  it('falls back to the event id for idempotency', () => {
    const request = makeRequest({ body: BODY, headers: { 'X-Shopify-Hmac-Sha256': shopifyHmac(BODY), 'X-Shopify-Event-Id': 'evt-1' } });
    expect(shopifyScheme.verify(request, [SECRET], options, NOW)).toMatchObject({ ok: true, idempotencyKey: 'evt-1' });
  });

  it('refuses a hex digest where base64 is expected', () => {
    const hex = createHmac('sha256', SECRET).update(BODY).digest('hex');
    const request = makeRequest({ body: BODY, headers: { 'X-Shopify-Hmac-Sha256': hex } });
    expect(shopifyScheme.verify(request, [SECRET], options, NOW)).toMatchObject({ ok: false, code: 'signature_invalid' });
  });

  it('signs what an independent HMAC computes', () => {
    expect(shopifyScheme.sign(Buffer.from(BODY), SECRET, options, { url: '', messageId: 'm', nowMs: NOW })).toEqual({
      'x-shopify-hmac-sha256': shopifyHmac(BODY),
    });
  });
});
