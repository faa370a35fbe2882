import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ConfigError } from './config-error.js';
import type { SwitchboardConfig } from './config-schema.js';

export interface ResolvedKeys {
  readonly adminKey: string;
  /** 32 bytes for AES-256-GCM. */
  readonly secretKey: Buffer;
  /** Files created on this start (to tell the operator where they are; never the keys themselves). */
  readonly generatedFiles: readonly string[];
}

/**
 * Returns the admin and encryption keys from config, or from files in the data dir, generating each
 * file (mode 0600) on first start. Several instances sharing a database must share these keys, so
 * production deployments set them in the environment.
 */
export function resolveKeys(config: SwitchboardConfig): ResolvedKeys {
  const generatedFiles: string[] = [];
  const adminKey = config.admin_key ?? readOrCreate(join(resolve(config.data_dir), 'admin.key'), () => `sbk_${randomBytes(32).toString('base64url')}`, generatedFiles, true);
  return { adminKey, secretKey: secretKeyFrom(config, generatedFiles, true), generatedFiles };
}

/** The encryption key only, never creating a key file: for commands that read what a server stored. */
export function readSecretKey(config: SwitchboardConfig): Buffer {
  return secretKeyFrom(config, [], false);
}

function secretKeyFrom(config: SwitchboardConfig, generatedFiles: string[], create: boolean): Buffer {
  const secretText = config.secret_key ?? readOrCreate(join(resolve(config.data_dir), 'secret.key'), () => randomBytes(32).toString('base64'), generatedFiles, create);
  const secretKey = Buffer.from(secretText, 'base64');
  if (secretKey.length !== 32 || !/^[A-Za-z0-9+/]+={0,2}$/.test(secretText)) {
    throw new ConfigError('Invalid configuration:\n  secret_key (SWITCHBOARD_SECRET_KEY): must be 32 bytes encoded as base64 (e.g. `openssl rand -base64 32`)');
  }
  return secretKey;
}

function readOrCreate(file: string, generate: () => string, generatedFiles: string[], create: boolean): string {
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  if (!create) throw new ConfigError(`No key file ${file}: set the key in the environment, or point SWITCHBOARD_DATA_DIR at the server's data dir.`);
  mkdirSync(resolve(file, '..'), { recursive: true });
  const value = generate();
  // `wx` fails if another process created the file first; then read what it wrote.
  try {
    writeFileSync(file, `${value}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return readFileSync(file, 'utf8').trim();
    throw error;
  }
  chmodSync(file, 0o600);
  generatedFiles.push(file);
  return value;
}
