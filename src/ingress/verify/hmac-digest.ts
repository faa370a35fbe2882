import { createHmac } from 'node:crypto';

/** The hash functions an HMAC scheme may use. */
export type HmacAlgorithm = 'sha1' | 'sha256' | 'sha512';

/** HMAC of the concatenated parts; string keys and parts are taken as UTF-8. */
export function hmacDigest(algorithm: HmacAlgorithm, key: Buffer | string, ...parts: readonly (Buffer | string)[]): Buffer {
  const mac = createHmac(algorithm, key);
  for (const part of parts) mac.update(part);
  return mac.digest();
}
