import type { ActionsConfig } from '../../config/actions-config-schema.js';
import type { AnyAction } from '../action.js';
import type { JsonService } from '../service-client/call-json-service.js';
import { createSendMessageAction, type WhatsAppCredentials } from './send-message-action.js';
import { createWhatsAppService } from './whatsapp-service.js';

export { checkWhatsAppHealth, type WhatsAppHealth } from './check-whatsapp-health.js';
export type { WhatsAppCredentials } from './send-message-action.js';

export interface WhatsAppActionsOptions {
  readonly settings: ActionsConfig['whatsapp'];
  /** The user's own token and phone number id, or undefined when they have none (then `settings`' are used). */
  readonly credentials: (userId: string) => Promise<WhatsAppCredentials | undefined>;
  /**
   * The Graph service (`createWhatsAppService`), created without credentials: each call sends the
   * account's token. Default: one made from `settings`, whose pool lives as long as the process;
   * pass one to close it yourself.
   */
  readonly service?: JsonService;
}

/** The WhatsApp actions: `whatsapp.send_message`. */
export function createWhatsAppActions(options: WhatsAppActionsOptions): AnyAction[] {
  const service = options.service ?? createWhatsAppService(options.settings);
  return [createSendMessageAction({ settings: options.settings, service, credentials: options.credentials })];
}
