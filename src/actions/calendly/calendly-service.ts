import type { Dispatcher } from 'undici';
import type { ActionsConfig } from '../../config/actions-config-schema.js';
import type { Clock } from '../../core/clock.js';
import { createJsonService, type JsonService } from '../service-client/call-json-service.js';

/**
 * The Calendly API as a JSON service with no credentials of its own: every call carries the
 * token of the user it acts for (`Authorization: Bearer`, per call), since each user has their
 * own Calendly account. One breaker for the whole service: only 5xx, 429, timeouts and connection
 * errors count, so one user's rejected token never opens it for the others.
 */
export function createCalendlyService(settings: ActionsConfig['calendly'], options: { readonly dispatcher?: Dispatcher; readonly clock?: Clock } = {}): JsonService {
  return createJsonService({ name: 'calendly', baseUrl: settings.base_url, headers: {}, timeoutMs: settings.timeout_ms, breaker: settings.breaker, dispatcher: options.dispatcher, clock: options.clock });
}
