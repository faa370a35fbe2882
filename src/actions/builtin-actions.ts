import type { Logger } from 'pino';
import type { Clock } from '../core/clock.js';
import type { SwitchboardConfig } from '../config/config-schema.js';
import type { Db } from '../store/database.js';
import type { PlatformCredentials } from '../leads/platform-credentials.js';
import { createAlertMeetingActions } from '../chainsync/alert-meeting-actions.js';
import type { AnyAction } from './action.js';
import { createActionRegistry, type ActionRegistry } from './action-registry.js';
import { createCalendlyActions } from './calendly/calendly-actions.js';
import { createCalendlyService } from './calendly/calendly-service.js';
import { createChainSyncActions } from './chainsync/chainsync-actions.js';
import type { JsonService } from './service-client/call-json-service.js';
import { createApiKeyService } from './service-client/create-api-key-service.js';
import { createSlotifyActions } from './slotify/slotify-actions.js';
import { createWhatsAppActions } from './whatsapp/whatsapp-actions.js';
import { createWhatsAppService } from './whatsapp/whatsapp-service.js';

/** What user-scoped actions read a user's platform credentials from (seed 003's `/api/integrations`). */
export type PlatformAccess = Pick<PlatformCredentials, 'calendlyCredentials' | 'whatsappCredentials' | 'recordLink'>;

/** The built-in actions and the connection pools they hold. */
export interface BuiltinActions {
  readonly registry: ActionRegistry;
  close(): Promise<void>;
}

/**
 * Every built-in action, wired to its service from `config.actions` (docs/actions.md): Slotify,
 * ChainSync, Calendly and WhatsApp clients, seed 000's alert and meeting records, plus `extra`
 * (seed 003's lead records). One connection pool and one circuit breaker per service.
 */
export function createBuiltinActions(deps: {
  readonly config: SwitchboardConfig;
  readonly db: Db;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly platforms: PlatformAccess;
  readonly extra?: readonly AnyAction[];
}): BuiltinActions {
  const { config, clock } = deps;
  const slotify = createApiKeyService('slotify', config.actions.slotify, { clock });
  const chainsync = createApiKeyService('chainsync', config.actions.chainsync, { clock });
  const calendly = createCalendlyService(config.actions.calendly, { clock });
  const whatsapp = createWhatsAppService(config.actions.whatsapp, { clock });
  const services = [slotify, chainsync, calendly, whatsapp].filter((service): service is JsonService => service !== undefined);
  const actions: AnyAction[] = [
    ...createSlotifyActions({ settings: config.actions.slotify, ...(slotify === undefined ? {} : { service: slotify }) }),
    ...createChainSyncActions({ settings: config.actions.chainsync, ...(chainsync === undefined ? {} : { service: chainsync }) }),
    ...createCalendlyActions({
      settings: config.actions.calendly,
      service: calendly,
      credentials: (userId) => deps.platforms.calendlyCredentials(userId),
      recordLink: (userId) => deps.platforms.recordLink(userId),
    }),
    ...createWhatsAppActions({
      settings: config.actions.whatsapp,
      service: whatsapp,
      credentials: (userId) => deps.platforms.whatsappCredentials(userId),
    }),
    ...createAlertMeetingActions({ db: deps.db, clock, scheduling: config.scheduling }),
    ...(deps.extra ?? []),
  ];
  return {
    registry: createActionRegistry(actions),
    async close() {
      await Promise.all(services.map((service) => service.close().catch(() => undefined)));
    },
  };
}
