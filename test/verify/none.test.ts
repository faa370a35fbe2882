import { describe, expect, it } from 'vitest';
import { noneScheme } from '../../src/ingress/verify/none.js';
import { makeRequest } from './make-request.js';

describe('none', () => {
  it('accepts any request, signs nothing and takes no options', () => {
    expect(noneScheme.usesSecret).toBe(false);
    expect(noneScheme.verify(makeRequest({ body: 'anything' }), [], {}, 0)).toEqual({ ok: true });
    expect(noneScheme.sign(Buffer.from('x'), '', {}, { url: '', messageId: 'm', nowMs: 0 })).toEqual({});
    expect(noneScheme.parseOptions({})).toEqual({ ok: true, options: {} });
    expect(noneScheme.parseOptions({ allow_unsigned: true })).toMatchObject({ ok: false, message: expect.stringContaining('"allow_unsigned"') });
  });
});
