import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { getScheme, type SchemeName } from '../../src/ingress/verify/scheme-registry.js';
import type { SigningContext, VerificationResult, VerificationScheme } from '../../src/ingress/verify/verification-scheme.js';
import { makeRequest } from './make-request.js';

/**
 * The behaviour every signing scheme shares, checked the same way for each: round trip, tampering,
 * missing and malformed headers, secret rotation, the replay window, and messages that never
 * quote a secret or a signature.
 */

const NOW = Date.UTC(2025, 10, 26, 10, 30, 0);
const NEW_SECRET = 'new-secret-7f3a9c2e41d8b6a0';
const OLD_SECRET = 'old-secret-0b1c2d3e4f506172';
const WHSEC_NEW = `whsec_${Buffer.from('standard-webhooks-new-key-32byte').toString('base64')}`;
const WHSEC_OLD = `whsec_${Buffer.from('standard-webhooks-old-key-32byte').toString('base64')}`;
const JSON_BODY = '{"id":"evt_1","type":"payment.completed","data":{"amount":4200,"note":"caf\u00e9 \u2615"}}';
const FORM_BODY = 'AccountSid=AC123&Body=Hello+there&From=%2B15551230000&To=%2B15559870000';
const sha256Hex = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

interface ConformanceCase {
  readonly label: string;
  readonly scheme: SchemeName;
  readonly options?: Record<string, unknown>;
  readonly secrets?: readonly [newest: string, previous: string];
  readonly signatureHeader: string;
  /** A separate timestamp header, when the scheme has one. */
  readonly timestampHeader?: string;
  readonly timestamped: boolean;
  readonly body?: string;
  readonly contentType?: string;
  readonly url?: string;
}

const cases: readonly ConformanceCase[] = [
  { label: 'standard-webhooks', scheme: 'standard-webhooks', secrets: [WHSEC_NEW, WHSEC_OLD], signatureHeader: 'webhook-signature', timestampHeader: 'webhook-timestamp', timestamped: true },
  { label: 'hmac (defaults)', scheme: 'hmac', options: { signature_header: 'x-signature' }, signatureHeader: 'x-signature', timestamped: false },
  {
    label: 'hmac (sha512, base64, prefix, timestamp)',
    scheme: 'hmac',
    options: { signature_header: 'X-Sig', algorithm: 'sha512', encoding: 'base64', prefix: 'sha512=', timestamp_header: 'X-Sig-Time' },
    signatureHeader: 'x-sig',
    timestampHeader: 'x-sig-time',
    timestamped: true,
  },
  {
    label: 'hmac (sha1, milliseconds, template)',
    scheme: 'hmac',
    options: { signature_header: 'x-sig', algorithm: 'sha1', timestamp_header: 'x-ts', timestamp_unit: 'milliseconds', signed_content: 'v2|{timestamp}|{body}' },
    signatureHeader: 'x-sig',
    timestampHeader: 'x-ts',
    timestamped: true,
  },
  { label: 'chainsync', scheme: 'chainsync', signatureHeader: 'x-webhook-signature', timestampHeader: 'x-webhook-timestamp', timestamped: true },
  { label: 'botlyne', scheme: 'botlyne', signatureHeader: 'x-signature', timestampHeader: 'x-timestamp', timestamped: true },
  { label: 'github', scheme: 'github', signatureHeader: 'x-hub-signature-256', timestamped: false },
  { label: 'meta', scheme: 'meta', signatureHeader: 'x-hub-signature-256', timestamped: false },
  { label: 'shopify', scheme: 'shopify', signatureHeader: 'x-shopify-hmac-sha256', timestamped: false },
  { label: 'stripe', scheme: 'stripe', secrets: ['whsec_stripe_new_0123456789', 'whsec_stripe_old_9876543210'], signatureHeader: 'stripe-signature', timestamped: true },
  { label: 'slack', scheme: 'slack', signatureHeader: 'x-slack-signature', timestampHeader: 'x-slack-request-timestamp', timestamped: true },
  { label: 'calendly', scheme: 'calendly', signatureHeader: 'calendly-webhook-signature', timestamped: true },
  {
    label: 'twilio (form)',
    scheme: 'twilio',
    signatureHeader: 'x-twilio-signature',
    timestamped: false,
    body: FORM_BODY,
    contentType: 'application/x-www-form-urlencoded',
    url: 'https://hooks.example.com/webhooks/twilio?tenant=acme',
  },
  {
    label: 'twilio (JSON with bodySHA256)',
    scheme: 'twilio',
    signatureHeader: 'x-twilio-signature',
    timestamped: false,
    url: `https://hooks.example.com/webhooks/twilio?bodySHA256=${sha256Hex(JSON_BODY)}`,
  },
];

const GARBAGE = [
  'x',
  '!!!',
  'zz'.repeat(32),
  '0'.repeat(63),
  'sha256=',
  'v0=',
  'v1,',
  't=,v1=',
  't=1,v1=',
  'v1,????',
  '\u00e9\u00e9',
  '\u0000',
  'A'.repeat(10_000),
  '====',
  `sha256=${'g'.repeat(64)}`,
  'Zm9v',
];

/** Altered copies of a valid signature header: shorter, longer, badly encoded, one character off. */
function derivedMalformed(valid: string): string[] {
  const middle = Math.floor(valid.length * 0.75);
  // '0' and '1' differ in hex and base64 alike (a letter would only change case, which hex ignores).
  const other = (char: string | undefined): string => (char === '0' ? '1' : '0');
  const flipped = valid.endsWith('=') ? `${valid.slice(0, -3)}${other(valid.at(-3))}${valid.slice(-2)}` : valid.slice(0, -1) + other(valid.at(-1));
  return [valid.slice(0, -2), `${valid}ab`, `${valid}00`, `${valid.slice(0, middle)}!${valid.slice(middle + 1)}`, flipped];
}

describe.each(cases)('$label conformance', (testCase) => {
  const scheme = getScheme(testCase.scheme) as VerificationScheme;
  const parsed = scheme.parseOptions(testCase.options ?? {});
  if (!parsed.ok) throw new Error(parsed.message);
  const [newest, previous] = testCase.secrets ?? [NEW_SECRET, OLD_SECRET];
  const body = testCase.body ?? JSON_BODY;
  const url = testCase.url ?? 'https://hooks.example.com/webhooks/ep_1';
  const contentType = testCase.contentType ?? 'application/json';
  const tolerance = 300;

  const signAt = (nowMs: number, secret = newest): Record<string, string> => {
    const context: SigningContext = { url, messageId: 'msg_2KWPBgLlAfxdpx2AI54pPJ85f4W', nowMs };
    return scheme.sign(Buffer.from(body, 'utf8'), secret, parsed.options, context);
  };
  const verify = (
    headers: Record<string, string | undefined>,
    options: { secrets?: readonly string[]; body?: string; opts?: unknown; nowMs?: number } = {},
  ): VerificationResult => {
    const request = makeRequest({ body: options.body ?? body, headers, url, contentType });
    return scheme.verify(request, options.secrets ?? [newest], options.opts ?? parsed.options, options.nowMs ?? NOW);
  };
  const expectFailure = (result: VerificationResult, code: string, quoted: readonly string[] = []): void => {
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.code).toBe(code);
    for (const value of [newest, previous, ...quoted]) {
      if (value.length >= 8) expect(result.message).not.toContain(value);
    }
  };

  it('accepts its own signature', () => {
    expect(verify(signAt(NOW))).toMatchObject({ ok: true });
  });

  it('accepts a signature by the previous secret during rotation, and refuses it once the secret is gone', () => {
    const headers = signAt(NOW, previous);
    expect(verify(headers, { secrets: [newest, previous] })).toMatchObject({ ok: true });
    expect(verify(headers, { secrets: [previous, newest] })).toMatchObject({ ok: true });
    expectFailure(verify(headers, { secrets: [newest] }), 'signature_invalid', Object.values(headers));
  });

  it('refuses every request when no secret is configured', () => {
    expectFailure(verify(signAt(NOW), { secrets: [] }), 'signature_invalid');
  });

  it('refuses a tampered body', () => {
    const headers = signAt(NOW);
    expectFailure(verify(headers, { body: `${body} ` }), 'signature_invalid', Object.values(headers));
    expectFailure(verify(headers, { body: body.replace('e', 'E') }), 'signature_invalid', Object.values(headers));
  });

  it('reports a missing or blank signature header as signature_missing', () => {
    const headers = signAt(NOW);
    expectFailure(verify({ ...headers, [testCase.signatureHeader]: undefined }), 'signature_missing');
    expectFailure(verify({ ...headers, [testCase.signatureHeader]: '   ' }), 'signature_missing');
    expectFailure(verify({}), 'signature_missing');
  });

  const { timestampHeader } = testCase;
  if (timestampHeader !== undefined) {
    it('reports a missing timestamp header as signature_missing, a garbled one as signature_invalid', () => {
      const headers = signAt(NOW);
      expectFailure(verify({ ...headers, [timestampHeader]: undefined }), 'signature_missing');
      expectFailure(verify({ ...headers, [timestampHeader]: 'yesterday' }), 'signature_invalid');
      expectFailure(verify({ ...headers, [timestampHeader]: '-1' }), 'signature_invalid');
    });
  }

  it('refuses malformed, wrong-length and badly encoded signatures without throwing', () => {
    const headers = signAt(NOW);
    const valid = headers[testCase.signatureHeader] ?? '';
    expect(valid).not.toBe('');
    for (const value of [...GARBAGE, ...derivedMalformed(valid)]) {
      let result: VerificationResult | undefined;
      expect(() => {
        result = verify({ ...headers, [testCase.signatureHeader]: value });
      }, value.slice(0, 80)).not.toThrow();
      expectFailure(result as VerificationResult, 'signature_invalid', [valid]);
    }
  });

  if (testCase.timestamped) {
    describe('replay window', () => {
      it('accepts timestamps inside the default 300 s tolerance, in either direction', () => {
        expect(verify(signAt(NOW - (tolerance - 1) * 1000))).toMatchObject({ ok: true });
        expect(verify(signAt(NOW + (tolerance - 1) * 1000))).toMatchObject({ ok: true });
      });

      it('refuses stale and future timestamps beyond the tolerance', () => {
        expectFailure(verify(signAt(NOW - (tolerance + 1) * 1000)), 'timestamp_out_of_window');
        expectFailure(verify(signAt(NOW + (tolerance + 1) * 1000)), 'timestamp_out_of_window');
        expectFailure(verify(signAt(NOW - 86_400_000)), 'timestamp_out_of_window');
      });

      it('honours tolerance_seconds from the options', () => {
        const narrow = scheme.parseOptions({ ...testCase.options, tolerance_seconds: 60 });
        if (!narrow.ok) throw new Error(narrow.message);
        expect(verify(signAt(NOW - 59_000), { opts: narrow.options })).toMatchObject({ ok: true });
        expectFailure(verify(signAt(NOW - 61_000), { opts: narrow.options }), 'timestamp_out_of_window');
        expectFailure(verify(signAt(NOW + 61_000), { opts: narrow.options }), 'timestamp_out_of_window');
      });

      it('checks the signature before the clock: a stale forgery is signature_invalid', () => {
        const headers = signAt(NOW - 3_600_000);
        expectFailure(verify(headers, { body: `${body} ` }), 'signature_invalid');
      });
    });
  }

  it('parses its options idempotently', () => {
    expect(scheme.parseOptions(parsed.options as Record<string, unknown>)).toEqual(parsed);
  });
});
