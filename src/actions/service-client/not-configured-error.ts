import { ServiceError } from './service-error.js';

/**
 * The non-retryable `not_configured` error for a call that cannot be made without `setting`
 * (e.g. `actions.slotify.base_url`), naming its environment variable when it has one. Retrying
 * cannot help until the operator sets it and restarts.
 */
export function notConfiguredError(service: string, setting: string, envVar?: string): ServiceError {
  const where = envVar === undefined ? setting : `${setting} (env ${envVar})`;
  return new ServiceError({ service, code: 'not_configured', retryable: false, message: `not configured: set ${where}` });
}
