import { Value } from 'typebox/value';
import type { AnyChannel } from '../channels/channel.js';

/** One thing wrong with a channel config, at a path like `config.email_address`. */
export interface ConfigProblem {
  readonly path: string;
  readonly message: string;
}

/**
 * What is wrong with `config` for `channel`, one problem per key: unknown keys as "unknown key"
 * (TypeBox reports each twice, as a false schema and as additionalProperties), otherwise the
 * schema's message; with `secrets: 'refused'`, secret keys too (defaults hold no secrets).
 */
export function configProblems(channel: AnyChannel, config: Readonly<Record<string, unknown>>, options: { readonly prefix: string; readonly secrets: 'allowed' | 'refused' }): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const error of Value.Errors(channel.configSchema, config)) {
    if (error.keyword === 'additionalProperties') continue;
    const path = `${options.prefix}${error.instancePath.replaceAll('/', '.')}`;
    const key = error.instancePath.split('/').pop() ?? '';
    const message =
      error.keyword === 'boolean'
        ? `unknown key (${channel.type} takes: ${knownKeys(channel).join(', ') || 'none'})`
        : error.keyword === 'pattern'
          ? (patternMessages[key] ?? 'does not have the expected form')
          : error.message;
    problems.push({ path, message });
  }
  if (options.secrets === 'refused') {
    for (const key of channel.secretKeys) {
      if (key in config) problems.push({ path: `${options.prefix}.${key}`, message: 'a secret: set it in the delivery.* settings or in a user override, not in a default' });
    }
  }
  return problems;
}

/** Readable messages for keys checked by a pattern (a regular expression says little to a reader). */
const patternMessages: Readonly<Record<string, string>> = {
  email_address: 'is not an email address',
  phone_number: 'is not an E.164 phone number, e.g. +14155550100',
  slack_user_id: 'is not a Slack member id (U… or W…)',
  secret: 'is not a Standard Webhooks secret (whsec_ followed by base64)',
};

function knownKeys(channel: AnyChannel): string[] {
  const properties = (channel.configSchema as { properties?: Record<string, unknown> }).properties;
  return properties === undefined ? [] : Object.keys(properties);
}
