import { checkCalendlyHealth } from '../actions/calendly/check-calendly-health.js';
import { checkWhatsAppHealth } from '../actions/whatsapp/check-whatsapp-health.js';
import type { ActionsConfig } from '../config/actions-config-schema.js';
import type { Platform } from './platform.js';

/** One problem with a request, as the API's `details` list it. */
export interface PlatformProblem {
  readonly path: string;
  readonly message: string;
}

/** What a platform's health check answers, before it is stamped (see PlatformHealth); its other fields (the Calendly user, the WhatsApp number) are kept. */
export interface PlatformCheckResult {
  readonly configured: boolean;
  readonly healthy: boolean;
  readonly message: string;
}

/** How one platform's connection is checked and which of its keys go where. */
export interface PlatformSpec {
  /**
   * Setting keys that are not secrets and must stay readable (looked up, or shown): refused in
   * `credentials`, where they would be encrypted and invisible.
   */
  readonly settingKeys: readonly string[];
  /** Problems with the connection's merged settings (paths relative to `settings`). */
  settingsProblems(settings: Readonly<Record<string, unknown>>): PlatformProblem[];
  /** Checks the connection with its own token, else the operator's default one; never throws for the platform's answer. */
  checkHealth(actions: ActionsConfig, token: string | undefined, settings: Readonly<Record<string, unknown>>): Promise<PlatformCheckResult>;
}

const nonEmptyString = (settings: Readonly<Record<string, unknown>>, key: string, pattern?: RegExp, describe = 'a non-empty string'): PlatformProblem[] => {
  const value = settings[key];
  if (value === undefined) return [];
  if (typeof value !== 'string' || value.trim() === '' || (pattern !== undefined && !pattern.test(value))) return [{ path: key, message: `must be ${describe}` }];
  return [];
};

/** Every platform, keyed by name: a missing one fails to compile. */
export const platformSpecs: Readonly<Record<Platform, PlatformSpec>> = {
  calendly: {
    settingKeys: ['event_type'],
    settingsProblems: (settings) => nonEmptyString(settings, 'event_type', undefined, 'an event type URI or the name of one of the user\'s event types'),
    checkHealth: (actions, token) => checkCalendlyHealth(actions.calendly, token),
  },
  whatsapp: {
    settingKeys: ['phone_number_id'],
    settingsProblems: (settings) => nonEmptyString(settings, 'phone_number_id', /^[0-9]{1,32}$/, 'the WhatsApp Business phone number id, digits as a string'),
    checkHealth: (actions, token, settings) => {
      const phoneNumberId = settings['phone_number_id'];
      return checkWhatsAppHealth(actions.whatsapp, token, typeof phoneNumberId === 'string' ? phoneNumberId : undefined);
    },
  },
};

/**
 * Setting keys that name a secret: refused in `settings`, which are stored and shown in clear. A
 * `key` counts as a word at the end of the name in any spelling: `key`, `api_key`, `signing-key`,
 * `privateKey`, `PRIVATE_KEY` (not `monkey` or `turkey`).
 */
const secretWord = /token|secret|password|passwd|credential|api[-_]?key|(^|[-_.])key$/i;
const camelCaseKey = /[a-z0-9]Key$/;

/** Whether a setting key names a secret (see secretWord). */
export function isSecretLookingKey(key: string): boolean {
  return secretWord.test(key) || camelCaseKey.test(key);
}
