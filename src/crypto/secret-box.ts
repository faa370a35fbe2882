import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { ConfigError } from '../config/config-error.js';

/** Version tag of the ciphertext format, so the format can change without ambiguity. */
const FORMAT = 'v1';

/**
 * Encrypts secrets at rest with AES-256-GCM. Ciphertext text form: `v1.<iv b64>.<tag b64>.<data b64>`.
 * The key comes from SWITCHBOARD_SECRET_KEY (32 bytes, base64); decryption with another key fails loudly.
 */
export interface SecretBox {
  encrypt(plaintext: string): string;
  decrypt(ciphertext: string): string;
}

export function createSecretBox(key: Buffer): SecretBox {
  if (key.length !== 32) throw new Error('The secret key must be 32 bytes');
  return {
    encrypt(plaintext) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return [FORMAT, iv.toString('base64'), cipher.getAuthTag().toString('base64'), data.toString('base64')].join('.');
    },
    decrypt(ciphertext) {
      const [format, iv, tag, data] = ciphertext.split('.');
      if (format !== FORMAT || iv === undefined || tag === undefined || data === undefined) throw new Error('Unrecognised ciphertext format');
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64'));
      decipher.setAuthTag(Buffer.from(tag, 'base64'));
      try {
        return Buffer.concat([decipher.update(Buffer.from(data, 'base64')), decipher.final()]).toString('utf8');
      } catch (error) {
        // GCM authentication fails when the key differs from the one that encrypted the data.
        throw new ConfigError(
          'Cannot decrypt a stored secret: secret_key (SWITCHBOARD_SECRET_KEY, or secret.key in the data dir) is not the key that encrypted it. ' +
            'Start with the original key; every instance sharing a database must use the same one.',
          { cause: error },
        );
      }
    },
  };
}
