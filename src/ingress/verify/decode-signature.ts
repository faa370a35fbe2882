/** How a provider encodes a digest in its header. */
export type SignatureEncoding = 'hex' | 'base64';

const HEX = /^(?:[0-9a-f]{2})+$/i;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * Strictly decodes a presented signature, or returns undefined when it is not well-formed.
 * Node's own decoders silently skip bad characters, which would let malformed input reach the
 * comparison; hex is case-insensitive, base64 must be padded and canonical (as every provider sends it).
 */
export function decodeSignature(text: string, encoding: SignatureEncoding): Buffer | undefined {
  switch (encoding) {
    case 'hex':
      return HEX.test(text) ? Buffer.from(text, 'hex') : undefined;
    case 'base64': {
      if (!BASE64.test(text) || text.length % 4 !== 0) return undefined;
      const bytes = Buffer.from(text, 'base64');
      return bytes.toString('base64') === text ? bytes : undefined;
    }
    default: {
      const unreachable: never = encoding;
      throw new Error(`unknown signature encoding ${String(unreachable)}`);
    }
  }
}
