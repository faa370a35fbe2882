import type { ActionsConfig } from '../../config/actions-config-schema.js';
import type { JsonService } from '../service-client/call-json-service.js';
import { ServiceError } from '../service-client/service-error.js';
import { getCurrentUser } from './calendly-client.js';
import { createCalendlyService } from './calendly-service.js';

/** Whether a Calendly token is set and works, with whom it belongs to when it does. */
export interface CalendlyHealth {
  readonly configured: boolean;
  readonly healthy: boolean;
  readonly message: string;
  readonly user?: { readonly uri: string; readonly name: string; readonly scheduling_url: string } | undefined;
}

/**
 * Checks one user's Calendly connection with `GET /users/me`, using `token` (the user's own),
 * else `settings.access_token`. Never throws for Calendly's answer (only for bugs): a rejected token, a timeout
 * or an open breaker is `healthy: false` with the reason. A temporary service is made (and closed)
 * unless one is given.
 */
export async function checkCalendlyHealth(
  settings: ActionsConfig['calendly'],
  token: string | undefined,
  options: { readonly service?: JsonService; readonly signal?: AbortSignal } = {},
): Promise<CalendlyHealth> {
  const effective = token ?? settings.access_token;
  if (effective === undefined) return { configured: false, healthy: false, message: 'no Calendly access token is set' };
  const service = options.service ?? createCalendlyService(settings);
  try {
    const user = await getCurrentUser(service, effective, { signal: options.signal });
    return { configured: true, healthy: true, message: `connected as ${user.name}`, user: { uri: user.uri, name: user.name, scheduling_url: user.scheduling_url } };
  } catch (thrown) {
    if (!(thrown instanceof ServiceError)) throw thrown;
    return { configured: true, healthy: false, message: thrown.message };
  } finally {
    if (options.service === undefined) await service.close();
  }
}
