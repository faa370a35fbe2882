import type { Dispatcher } from 'undici';
import type { ActionsConfig } from '../../config/actions-config-schema.js';
import type { Clock } from '../../core/clock.js';
import { createJsonService, type JsonService } from '../service-client/call-json-service.js';

/**
 * The Graph API (WhatsApp Cloud API) as a JSON service with no credentials of its own: each call
 * sends the token of the account it acts for, since users may connect their own WhatsApp Business
 * number. One breaker for the service; permanent errors (a bad recipient, a rejected token) never
 * count towards it.
 */
export function createWhatsAppService(settings: ActionsConfig['whatsapp'], options: { readonly dispatcher?: Dispatcher; readonly clock?: Clock } = {}): JsonService {
  return createJsonService({ name: 'whatsapp', baseUrl: settings.base_url, headers: {}, timeoutMs: settings.timeout_ms, breaker: settings.breaker, dispatcher: options.dispatcher, clock: options.clock });
}
