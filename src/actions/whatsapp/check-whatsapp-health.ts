import type { ActionsConfig } from '../../config/actions-config-schema.js';
import type { JsonService } from '../service-client/call-json-service.js';
import { ServiceError } from '../service-client/service-error.js';
import { getPhoneNumber, type WhatsAppPhoneNumber } from './whatsapp-client.js';
import { createWhatsAppService } from './whatsapp-service.js';

/** Whether a WhatsApp token and phone number id are set and work, with the number when they do. */
export interface WhatsAppHealth {
  readonly configured: boolean;
  readonly healthy: boolean;
  readonly message: string;
  readonly phone_number?: WhatsAppPhoneNumber | undefined;
}

/**
 * Checks one account's WhatsApp connection by reading its phone number (`GET /{phone_number_id}`),
 * with the given token and number id, else `settings`'. Never throws for Graph's answer (only for
 * bugs). A temporary service is made (and closed) unless one is given.
 */
export async function checkWhatsAppHealth(
  settings: ActionsConfig['whatsapp'],
  token: string | undefined,
  phoneNumberId: string | undefined,
  options: { readonly service?: JsonService; readonly signal?: AbortSignal } = {},
): Promise<WhatsAppHealth> {
  const effectiveToken = token ?? settings.access_token;
  const effectiveNumber = phoneNumberId ?? settings.phone_number_id;
  if (effectiveToken === undefined) return { configured: false, healthy: false, message: 'no WhatsApp access token is set' };
  if (effectiveNumber === undefined) return { configured: false, healthy: false, message: 'no WhatsApp phone number id is set' };
  const service = options.service ?? createWhatsAppService(settings);
  try {
    const number = await getPhoneNumber(service, effectiveToken, effectiveNumber, { signal: options.signal });
    const rating = number.quality_rating === undefined ? '' : `, quality ${number.quality_rating}`;
    return { configured: true, healthy: true, message: `sending as ${number.display_phone_number}${rating}`, phone_number: number };
  } catch (thrown) {
    if (!(thrown instanceof ServiceError)) throw thrown;
    return { configured: true, healthy: false, message: thrown.message };
  } finally {
    if (options.service === undefined) await service.close();
  }
}
