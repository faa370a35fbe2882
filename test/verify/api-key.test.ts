import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { apiKeyScheme } from '../../src/ingress/verify/api-key.js';
import { makeRequest } from './make-request.js';
import { parseOptionsOrThrow } from './parse-options-or-throw.js';

const NOW = Date.UTC(2025, 10, 26, 10, 30, 0);
const KEY = 'sb_live_9f8e7d6c5b4a3210';
const OLD_KEY = 'sb_live_0011223344556677';
const hash = (key: string): string => createHash('sha256').update(key, 'utf8').digest('hex');
const defaults = parseOptionsOrThrow(apiKeyScheme);

const verify = (headers: Record<string, string>, hashes = [hash(KEY)], options = defaults) =>
  apiKeyScheme.verify(makeRequest({ body: '{}', headers }), hashes, options, NOW);

describe('api-key', () => {
  it('accepts a key whose SHA-256 is stored, from X-API-Key by default', () => {
    expect(defaults).toEqual({ header: 'x-api-key', prefix: '' });
    expect(verify({ 'X-API-Key': KEY })).toEqual({ ok: true });
  });

  it('accepts any stored key (rotation) and upper-case stored hashes', () => {
    expect(verify({ 'x-api-key': OLD_KEY }, [hash(KEY), hash(OLD_KEY)])).toEqual({ ok: true });
    expect(verify({ 'x-api-key': KEY }, [hash(KEY).toUpperCase()])).toEqual({ ok: true });
  });

  it('refuses missing, wrong and odd keys as api_key_invalid, never quoting them', () => {
    const attempts: Record<string, string>[] = [{}, { 'x-api-key': '' }, { 'x-api-key': 'wrong-key-value' }, { 'x-api-key': hash(KEY) }, { 'x-other': KEY }];
    for (const headers of attempts) {
      const result = verify(headers);
      expect(result).toMatchObject({ ok: false, code: 'api_key_invalid' });
      if (!result.ok) expect(result.message).not.toMatch(/wrong-key-value|sb_live/);
    }
  });

  it('skips stored values that are not SHA-256 hex rather than failing', () => {
    expect(verify({ 'x-api-key': KEY }, ['not-a-hash', KEY, hash(KEY).slice(2)])).toMatchObject({ ok: false, code: 'api_key_invalid' });
    expect(verify({ 'x-api-key': KEY }, ['not-a-hash', hash(KEY)])).toEqual({ ok: true });
  });

  it('reads a custom header with a prefix such as "Bearer "', () => {
    const options = parseOptionsOrThrow(apiKeyScheme, { header: 'Authorization', prefix: 'Bearer ' });
    expect(verify({ authorization: `Bearer ${KEY}` }, [hash(KEY)], options)).toEqual({ ok: true });
    expect(verify({ authorization: `bearer ${KEY}` }, [hash(KEY)], options)).toEqual({ ok: true });
    expect(verify({ authorization: KEY }, [hash(KEY)], options)).toMatchObject({ ok: false, code: 'api_key_invalid' });
  });

  it('signs by sending the plain key, which verifies against its hash', () => {
    const options = parseOptionsOrThrow(apiKeyScheme, { header: 'Authorization', prefix: 'Bearer ' });
    const headers = apiKeyScheme.sign(Buffer.from('{}'), KEY, options, { url: '', messageId: 'm', nowMs: NOW });
    expect(headers).toEqual({ authorization: `Bearer ${KEY}` });
    expect(verify(headers, [hash(KEY)], options)).toEqual({ ok: true });
  });

  it('rejects unknown and bad options', () => {
    expect(apiKeyScheme.parseOptions({ header: 'bad header' })).toMatchObject({ ok: false });
    expect(apiKeyScheme.parseOptions({ prefix: 'x'.repeat(40) })).toMatchObject({ ok: false });
    const unknown = apiKeyScheme.parseOptions({ api_key: 'plaintext-key' });
    expect(unknown).toMatchObject({ ok: false });
    expect(unknown.ok ? '' : unknown.message).not.toContain('plaintext-key');
  });
});
