import { sign as octokitSign } from '@octokit/webhooks-methods';
import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSwitchboard, type TestSwitchboard } from '../support/test-switchboard.js';
import { expectHealthy, expectRefused, newWhsec, post, registerEndpoint, signedHeaders } from './support/ingress-client.js';

const API_KEY = 'ak_live_0123456789abcdef';
const stripe = new Stripe('sk_test_ingress');
const SKEW_MS = 600_000;

interface SchemeCase {
  readonly scheme: string;
  readonly secret: string;
  /** The headers a real sender would add, made with the provider's library where one exists. */
  sign(body: string, nowMs: number): Promise<Record<string, string>>;
  /** The signature header, whose value the cases below replace. */
  readonly signatureHeader: string;
  /** A well-formed signature value of the wrong length, and one that is not even the right encoding. */
  wrongLength(headers: Record<string, string>): string;
  garbage(headers: Record<string, string>): string;
  /** Other headers whose absence also means the request is unsigned. */
  readonly alsoRequired: readonly string[];
  readonly timestamped: boolean;
}

const short = randomBytes(16);
const cases: readonly SchemeCase[] = [
  {
    scheme: 'standard-webhooks',
    secret: newWhsec(),
    async sign(body, nowMs) {
      const id = `msg_${randomBytes(6).toString('hex')}`;
      const timestamp = new Date(nowMs);
      return { 'webhook-id': id, 'webhook-timestamp': String(Math.floor(nowMs / 1000)), 'webhook-signature': new Webhook(this.secret).sign(id, timestamp, body) };
    },
    signatureHeader: 'webhook-signature',
    wrongLength: () => `v1,${short.toString('base64')}`,
    garbage: () => 'v1,%%%not*base64%%%',
    alsoRequired: ['webhook-id', 'webhook-timestamp'],
    timestamped: true,
  },
  {
    scheme: 'chainsync',
    secret: 'chainsync-shared-secret',
    sign: async function (body, nowMs) {
      return signedHeaders('chainsync', body, this.secret, { nowMs });
    },
    signatureHeader: 'x-webhook-signature',
    wrongLength: () => short.toString('hex'),
    garbage: () => 'zz'.repeat(32),
    alsoRequired: ['x-webhook-timestamp'],
    timestamped: true,
  },
  {
    scheme: 'github',
    secret: 'github-shared-secret',
    async sign(body) {
      return { 'x-hub-signature-256': await octokitSign(this.secret, body), 'x-github-event': 'push', 'x-github-delivery': randomBytes(8).toString('hex') };
    },
    signatureHeader: 'x-hub-signature-256',
    wrongLength: () => `sha256=${short.toString('hex')}`,
    garbage: () => `sha256=${'g'.repeat(64)}`,
    alsoRequired: [],
    timestamped: false,
  },
  {
    scheme: 'stripe',
    secret: `whsec_${randomBytes(24).toString('hex')}`,
    async sign(body, nowMs) {
      return { 'stripe-signature': stripe.webhooks.generateTestHeaderString({ payload: body, secret: this.secret, timestamp: Math.floor(nowMs / 1000) }) };
    },
    signatureHeader: 'stripe-signature',
    wrongLength: (headers) => (headers['stripe-signature'] as string).replace(/v1=[0-9a-f]+/, `v1=${short.toString('hex')}`),
    garbage: (headers) => (headers['stripe-signature'] as string).replace(/v1=[0-9a-f]+/, 'v1=not-hex-at-all'),
    alsoRequired: [],
    timestamped: true,
  },
];

const BODY = JSON.stringify({ id: 'evt_1', type: 'order.created', data: { amount: 100 } });
const TAMPERED = JSON.stringify({ id: 'evt_1', type: 'order.created', data: { amount: 100000 } });

describe('verification failures answer 401 with distinct codes', () => {
  let sb: TestSwitchboard;

  beforeAll(async () => {
    sb = await startTestSwitchboard({ listen: true });
    for (const c of cases) await registerEndpoint(sb, { endpoint_id: c.scheme, verification: { scheme: c.scheme }, secret: c.secret, api_key: API_KEY });
  });
  afterAll(async () => {
    await sb?.stop();
  });

  const send = (c: SchemeCase, body: string, headers: Record<string, string>) =>
    post(sb, `/integration/webhooks/${c.scheme}`, body, { 'content-type': 'application/json', 'x-api-key': API_KEY, ...headers });
  const refused = (c: SchemeCase, code: string, body: string, headers: Record<string, string>) =>
    expectRefused(sb, { status: 401, code, endpointId: c.scheme }, () => send(c, body, headers));

  describe.each(cases)('$scheme', (c) => {
    it('accepts the correctly signed request with the right API key (control)', async () => {
      const response = await send(c, BODY, await c.sign(BODY, Date.now()));
      expect(response.status).toBe(202);
      await response.arrayBuffer();
    });

    it('answers signature_missing without the signature headers', async () => {
      const headers = await c.sign(BODY, Date.now());
      for (const name of [c.signatureHeader, ...c.alsoRequired]) {
        const { [name]: _dropped, ...rest } = headers;
        await refused(c, 'signature_missing', BODY, rest);
      }
      await refused(c, 'signature_missing', BODY, { ...headers, [c.signatureHeader]: '   ' });
    });

    it('answers signature_invalid for a tampered body, a wrong secret, a wrong-length and a malformed signature', async () => {
      const headers = await c.sign(BODY, Date.now());
      await refused(c, 'signature_invalid', TAMPERED, headers);
      await refused(c, 'signature_invalid', `${BODY} `, headers);
      const other: SchemeCase = { ...c, secret: c.scheme === 'standard-webhooks' ? newWhsec() : `${c.secret}-other` };
      await refused(c, 'signature_invalid', BODY, await other.sign(BODY, Date.now()));
      await refused(c, 'signature_invalid', BODY, { ...headers, [c.signatureHeader]: c.wrongLength(headers) });
      await refused(c, 'signature_invalid', BODY, { ...headers, [c.signatureHeader]: c.garbage(headers) });
    });

    if (c.timestamped) {
      it('answers timestamp_out_of_window for stale and future timestamps', async () => {
        await refused(c, 'timestamp_out_of_window', BODY, await c.sign(BODY, Date.now() - SKEW_MS));
        await refused(c, 'timestamp_out_of_window', BODY, await c.sign(BODY, Date.now() + SKEW_MS));
      });
    }

    it('answers api_key_invalid for a missing or wrong X-API-Key, even with a valid signature', async () => {
      const headers = await c.sign(BODY, Date.now());
      await expectRefused(sb, { status: 401, code: 'api_key_invalid', endpointId: c.scheme }, () =>
        post(sb, `/integration/webhooks/${c.scheme}`, BODY, { 'content-type': 'application/json', ...headers }),
      );
      for (const wrong of [`${API_KEY}x`, API_KEY.slice(0, -1), API_KEY.toUpperCase()]) {
        const { log } = await refused(c, 'api_key_invalid', BODY, { ...headers, 'x-api-key': wrong });
        expect(log?.headers['x-api-key']).toBe('[redacted]');
      }
    });
  });

  it('keeps every code apart in the endpoint status, and the server up', async () => {
    const response = await fetch(`${sb.url}/integration/webhooks/stripe/status`, { headers: sb.auth });
    const status = (await response.json()) as { counts: { accepted: number }; rejected_by_reason: Record<string, number> };
    expect(status.counts.accepted).toBe(1);
    expect(status.rejected_by_reason).toEqual({ signature_missing: 2, signature_invalid: 5, timestamp_out_of_window: 2, api_key_invalid: 4 });
    await expectHealthy(sb);
  });
});
