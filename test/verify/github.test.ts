import { sign as octokitSign, verify as octokitVerify } from '@octokit/webhooks-methods';
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { githubScheme } from '../../src/ingress/verify/github.js';
import { makeRequest } from './make-request.js';
import { parseOptionsOrThrow } from './parse-options-or-throw.js';

const SECRET = 'gh-webhook-secret-1';
const NOW = Date.UTC(2025, 10, 26, 10, 30, 0);
const PAYLOAD = '{"action":"opened","issue":{"number":1347}}';
const options = parseOptionsOrThrow(githubScheme);

const verify = (headers: Record<string, string>, body = PAYLOAD, secrets = [SECRET]) =>
  githubScheme.verify(makeRequest({ body, headers }), secrets, options, NOW);

describe('github', () => {
  it("verifies the example from GitHub's documentation", () => {
    const result = githubScheme.verify(
      makeRequest({
        body: 'Hello, World!',
        headers: { 'x-hub-signature-256': 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17' },
      }),
      ["It's a Secret to Everybody"],
      options,
      NOW,
    );
    expect(result).toMatchObject({ ok: true });
  });

  it('verifies @octokit/webhooks-methods signatures, and signs what it verifies', async () => {
    const signature = await octokitSign(SECRET, PAYLOAD);
    expect(verify({ 'x-hub-signature-256': signature })).toMatchObject({ ok: true });

    const ours = githubScheme.sign(Buffer.from(PAYLOAD), SECRET, options, { url: '', messageId: 'm', nowMs: NOW });
    expect(await octokitVerify(SECRET, PAYLOAD, ours['x-hub-signature-256'] ?? '')).toBe(true);
  });

  it('falls back to X-Hub-Signature (sha1) only when X-Hub-Signature-256 is absent', () => {
    const sha1 = `sha1=${createHmac('sha1', SECRET).update(PAYLOAD).digest('hex')}`;
    expect(verify({ 'x-hub-signature': sha1 })).toMatchObject({ ok: true });
    // A wrong SHA-256 signature is not rescued by a right SHA-1 one: no downgrade.
    expect(verify({ 'x-hub-signature-256': `sha256=${'0'.repeat(64)}`, 'x-hub-signature': sha1 })).toMatchObject({
      ok: false,
      code: 'signature_invalid',
    });
    expect(verify({ 'x-hub-signature': `sha256=${createHmac('sha256', SECRET).update(PAYLOAD).digest('hex')}` })).toMatchObject({
      ok: false,
      code: 'signature_invalid',
    });
  });

  it('accepts an upper-case hex digest and refuses a missing prefix', () => {
    const hex = createHmac('sha256', SECRET).update(PAYLOAD).digest('hex');
    expect(verify({ 'x-hub-signature-256': `sha256=${hex.toUpperCase()}` })).toMatchObject({ ok: true });
    expect(verify({ 'x-hub-signature-256': hex })).toMatchObject({ ok: false, code: 'signature_invalid' });
  });

  it('reads the delivery id, event type and hook headers', async () => {
    const result = verify({
      'x-hub-signature-256': await octokitSign(SECRET, PAYLOAD),
      'x-github-delivery': '72d3162e-cc78-11e3-81ab-4c9367dc0958',
      'x-github-event': 'issues',
      'x-github-hook-id': '292430182',
      'user-agent': 'GitHub-Hookshot/044aadd',
    });
    expect(result).toEqual({
      ok: true,
      idempotencyKey: '72d3162e-cc78-11e3-81ab-4c9367dc0958',
      eventType: 'issues',
      keptHeaders: {
        'x-github-event': 'issues',
        'x-github-delivery': '72d3162e-cc78-11e3-81ab-4c9367dc0958',
        'x-github-hook-id': '292430182',
      },
    });
  });

  it('takes no options (GitHub sends no timestamp)', () => {
    expect(githubScheme.parseOptions({})).toEqual({ ok: true, options: {} });
    const refused = githubScheme.parseOptions({ tolerance_seconds: 60 });
    expect(refused).toMatchObject({ ok: false });
    expect(refused.ok ? '' : refused.message).toContain('tolerance_seconds');
  });
});
