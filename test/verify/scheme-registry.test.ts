import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { getScheme, schemeNames, schemeRegistry } from '../../src/ingress/verify/scheme-registry.js';

describe('scheme registry', () => {
  it('files every scheme under its own name, and only those', () => {
    expect(Object.keys(schemeRegistry).sort()).toEqual([...schemeNames].sort());
    for (const name of schemeNames) {
      expect(schemeRegistry[name].name).toBe(name);
      expect(getScheme(name)).toBe(schemeRegistry[name]);
      expect(schemeRegistry[name].description.length).toBeGreaterThan(10);
    }
  });

  it('knows nothing else, including Object.prototype keys', () => {
    for (const name of ['', 'HMAC', 'sha256', 'constructor', '__proto__', 'toString', 'hasOwnProperty']) expect(getScheme(name)).toBeUndefined();
  });

  it('marks which schemes need a shared secret', () => {
    const withoutSecret = schemeNames.filter((name) => !schemeRegistry[name].usesSecret);
    expect(withoutSecret.sort()).toEqual(['api-key', 'none']);
  });

  it('has every scheme refuse an unknown option by name', () => {
    for (const name of schemeNames) {
      const parsed = schemeRegistry[name].parseOptions({ signature_header: 'x-sig', unexpected_key: true });
      expect(parsed.ok, name).toBe(false);
      if (!parsed.ok) expect(parsed.message).toContain('"unexpected_key"');
    }
  });

  it('documents every scheme in docs/verification.md', () => {
    const docs = readFileSync(new URL('../../docs/verification.md', import.meta.url), 'utf8');
    for (const name of schemeNames) expect(docs, name).toContain(`## \`${name}\``);
  });
});
