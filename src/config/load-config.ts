import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { Value } from 'typebox/value';
import { parse as parseYaml } from 'yaml';
import { ConfigError } from './config-error.js';
import { describeSchemaErrors } from './describe-schema-errors.js';
import { ConfigSchema, type SwitchboardConfig } from './config-schema.js';
import { schedulingProblems } from './scheduling-problems.js';

export interface LoadConfigOptions {
  /** Path to a YAML or JSON file; falls back to SWITCHBOARD_CONFIG. */
  readonly file?: string | undefined;
  /** The environment to read (process.env in production; tests pass their own). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Values that win over both file and environment (tests, CLI flags). */
  readonly overrides?: Readonly<Record<string, unknown>> | undefined;
}

type EnvKind = 'string' | 'integer' | 'boolean' | 'trust';

/** Environment variables and the config keys they set. Nothing else in Switchboard reads process.env. */
const envKeys: ReadonlyArray<readonly [string, string, EnvKind]> = [
  ['PORT', 'server.port', 'integer'],
  ['HOST', 'server.host', 'string'],
  ['SWITCHBOARD_PUBLIC_URL', 'server.public_url', 'string'],
  ['SWITCHBOARD_TRUST_PROXY', 'server.trust_proxy', 'trust'],
  ['SWITCHBOARD_DATA_DIR', 'data_dir', 'string'],
  ['DATABASE_URL', 'database_url', 'string'],
  ['REDIS_URL', 'redis_url', 'string'],
  ['SWITCHBOARD_ADMIN_KEY', 'admin_key', 'string'],
  ['SWITCHBOARD_SECRET_KEY', 'secret_key', 'string'],
  ['LOG_LEVEL', 'log_level', 'string'],
  ['SWITCHBOARD_PG_SCHEMA', 'store.pg_schema', 'string'],
  ['LLM_BASE_URL', 'llm.base_url', 'string'],
  ['LLM_MODEL', 'llm.model', 'string'],
  ['LLM_API_KEY', 'llm.api_key', 'string'],
  ['SWITCHBOARD_ALLOW_PRIVATE_NETWORKS', 'delivery.allow_private_networks', 'boolean'],
  ['SLACK_BOT_TOKEN', 'delivery.slack.bot_token', 'string'],
  ['SLACK_WEBHOOK_URL', 'delivery.slack.webhook_url', 'string'],
  ['SLACK_API_URL', 'delivery.slack.base_url', 'string'],
  ['SLACK_DEFAULT_CHANNEL', 'delivery.slack.default_channel', 'string'],
  ['SMTP_HOST', 'delivery.email.host', 'string'],
  ['SMTP_PORT', 'delivery.email.port', 'integer'],
  ['SMTP_SECURE', 'delivery.email.secure', 'boolean'],
  ['SMTP_USER', 'delivery.email.user', 'string'],
  ['SMTP_PASSWORD', 'delivery.email.password', 'string'],
  ['SMTP_REQUIRE_TLS', 'delivery.email.require_tls', 'boolean'],
  ['EMAIL_FROM', 'delivery.email.from', 'string'],
  ['TWILIO_ACCOUNT_SID', 'delivery.sms.account_sid', 'string'],
  ['TWILIO_AUTH_TOKEN', 'delivery.sms.auth_token', 'string'],
  ['TWILIO_FROM_NUMBER', 'delivery.sms.from_number', 'string'],
  ['TWILIO_MESSAGING_SERVICE_SID', 'delivery.sms.messaging_service_sid', 'string'],
  ['TWILIO_API_URL', 'delivery.sms.base_url', 'string'],
  ['CHAINSYNC_WEBHOOK_SECRET', 'flows.chainsync.webhook_secret', 'string'],
  ['CHAINSYNC_WEBHOOK_API_KEY', 'flows.chainsync.webhook_api_key', 'string'],
  ['WHATSAPP_APP_SECRET', 'flows.leads.whatsapp_app_secret', 'string'],
  ['WHATSAPP_VERIFY_TOKEN', 'flows.leads.whatsapp_verify_token', 'string'],
  ['CALENDLY_SIGNING_KEY', 'flows.leads.calendly_signing_key', 'string'],
  ['SLOTIFY_API_URL', 'actions.slotify.base_url', 'string'],
  ['SLOTIFY_API_KEY', 'actions.slotify.api_key', 'string'],
  ['CHAINSYNC_API_URL', 'actions.chainsync.base_url', 'string'],
  ['CHAINSYNC_API_KEY', 'actions.chainsync.api_key', 'string'],
  ['CALENDLY_API_URL', 'actions.calendly.base_url', 'string'],
  ['CALENDLY_ACCESS_TOKEN', 'actions.calendly.access_token', 'string'],
  ['WHATSAPP_API_URL', 'actions.whatsapp.base_url', 'string'],
  ['WHATSAPP_ACCESS_TOKEN', 'actions.whatsapp.access_token', 'string'],
  ['WHATSAPP_PHONE_NUMBER_ID', 'actions.whatsapp.phone_number_id', 'string'],
];

/** Reads the file and the environment, validates once, and returns a frozen config. Throws ConfigError naming the key. */
export function loadConfig(options: LoadConfigOptions): SwitchboardConfig {
  const file = options.file ?? options.env['SWITCHBOARD_CONFIG'];
  const raw: Record<string, unknown> = file === undefined || file === '' ? {} : (interpolateEnv(readConfigFile(file), options.env, '') as Record<string, unknown>);
  for (const [name, key, kind] of envKeys) {
    const value = options.env[name];
    if (value === undefined || value === '') continue;
    setPath(raw, key, convertEnvValue(name, value, kind));
  }
  for (const [key, value] of Object.entries(options.overrides ?? {})) setPath(raw, key, value);

  const withDefaults = Value.Default(ConfigSchema, structuredClone(raw));
  const problems = describeSchemaErrors([...Value.Errors(ConfigSchema, withDefaults)], (key) => {
    const env = envKeys.find(([, configKey]) => configKey === key)?.[0];
    return env === undefined ? key : `${key} (${env})`;
  });
  if (problems.length === 0) problems.push(...schedulingProblems((withDefaults as SwitchboardConfig).scheduling));
  if (problems.length > 0) throw new ConfigError(`Invalid configuration:\n${problems.map((line) => `  ${line}`).join('\n')}`);
  return deepFreeze(withDefaults as SwitchboardConfig);
}

/**
 * Replaces `${NAME}` in the file's strings with the environment variable NAME, so secrets stay out of
 * the file (`secret: ${CHAINSYNC_WEBHOOK_SECRET}`); `$${` is a literal `${`. An unset or empty
 * variable stops start-up naming the key and the variable.
 */
function interpolateEnv(value: unknown, env: LoadConfigOptions['env'], path: string): unknown {
  if (typeof value === 'string') {
    return value.replace(/\$(\$)?\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (whole, escaped: string | undefined, name: string) => {
      if (escaped !== undefined) return whole.slice(1);
      const found = env[name];
      if (found === undefined || found === '') throw new ConfigError(`Invalid configuration:\n  ${path || '(root)'}: environment variable ${name} is not set`);
      return found;
    });
  }
  if (Array.isArray(value)) return value.map((item, index) => interpolateEnv(item, env, `${path}[${index}]`));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, interpolateEnv(item, env, path === '' ? key : `${path}.${key}`)]));
  }
  return value;
}

function readConfigFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(`Cannot read config file ${file}: ${(error as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = extname(file).toLowerCase() === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new ConfigError(`Config file ${file} is not valid ${extname(file) === '.json' ? 'JSON' : 'YAML'}: ${(error as Error).message}`);
  }
  if (parsed === null || parsed === undefined) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed)) throw new ConfigError(`Config file ${file} must hold a mapping at the top level`);
  return parsed as Record<string, unknown>;
}

function convertEnvValue(name: string, value: string, kind: EnvKind): unknown {
  if (kind === 'string') return value;
  if (kind === 'boolean') {
    if (value !== 'true' && value !== 'false') throw new ConfigError(`Invalid configuration:\n  ${name}: must be true or false`);
    return value === 'true';
  }
  if (kind === 'integer') {
    if (!/^\d+$/.test(value)) throw new ConfigError(`Invalid configuration:\n  ${name}: must be an integer`);
    return Number(value);
  }
  if (value === 'true' || value === 'false') return value === 'true';
  if (/^\d+$/.test(value)) return Number(value);
  return value.split(',').map((s) => s.trim()).filter(Boolean);
}

function setPath(target: Record<string, unknown>, dotted: string, value: unknown): void {
  const parts = dotted.split('.');
  let node = target;
  for (const part of parts.slice(0, -1)) {
    const next = node[part];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) node[part] = {};
    node = node[part] as Record<string, unknown>;
  }
  node[parts[parts.length - 1] as string] = value;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
