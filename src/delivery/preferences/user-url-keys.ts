import type { IntegrationType } from '../integration-type.js';

/**
 * Config keys that hold a URL Switchboard will call on a user's behalf: checked when saved (scheme,
 * no credentials, no private hosts unless delivery.allow_private_networks) and again at connect time.
 */
export const userUrlKeys: Readonly<Record<IntegrationType, readonly string[]>> = {
  SLACK: ['webhook_url'],
  EMAIL: [],
  WEBHOOK: ['url'],
  SMS: [],
  TEST: [],
};
