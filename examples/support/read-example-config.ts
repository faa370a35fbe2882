import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { ExampleFailure } from './example-failure.js';

/**
 * What a runner reads from an example's config file: where Switchboard listens, its data dir and the
 * stand-ins' base URLs, so the ports live in one place. Secrets stay `${NAME}`: Switchboard fills
 * them in from the environment.
 */
export interface ExampleConfig {
  readonly host: string;
  readonly port: number;
  readonly dataDir: string;
  /** `actions.<service>.base_url`. */
  baseUrl(service: string): string;
}

export function readExampleConfig(file: string): ExampleConfig {
  const parsed = parse(readFileSync(file, 'utf8')) as { server?: { host?: unknown; port?: unknown }; data_dir?: unknown; actions?: Record<string, { base_url?: unknown } | undefined> };
  const dataDir = parsed.data_dir;
  if (typeof dataDir !== 'string') throw new ExampleFailure(`${file}: data_dir must be set (an example keeps its data apart from ./data)`);
  const port = parsed.server?.port;
  if (typeof port !== 'number') throw new ExampleFailure(`${file}: server.port must be set`);
  const host = parsed.server?.host;
  return {
    host: typeof host === 'string' ? host : '127.0.0.1',
    port,
    dataDir,
    baseUrl(service) {
      const url = parsed.actions?.[service]?.base_url;
      if (typeof url !== 'string') throw new ExampleFailure(`${file}: actions.${service}.base_url must be set`);
      return url;
    },
  };
}
