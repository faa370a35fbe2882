import type { SecretBox } from './secret-box.js';

/**
 * A SecretBox that remembers the last `maxEntries` decryptions by ciphertext (a ciphertext has one
 * plaintext, so an entry never goes stale). For readers that decrypt the same few secrets over and
 * over: the dispatcher decrypts every recipient's override secrets for each claimed batch.
 */
export function memoizedSecretBox(box: SecretBox, maxEntries = 10_000): SecretBox {
  const plaintexts = new Map<string, string>();
  return {
    encrypt: (plaintext) => box.encrypt(plaintext),
    decrypt(ciphertext) {
      const known = plaintexts.get(ciphertext);
      if (known !== undefined) return known;
      const plaintext = box.decrypt(ciphertext);
      if (plaintexts.size >= maxEntries) plaintexts.delete(plaintexts.keys().next().value as string);
      plaintexts.set(ciphertext, plaintext);
      return plaintext;
    },
  };
}
