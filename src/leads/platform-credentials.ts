import type { CalendlyCredentials } from '../actions/calendly/create-scheduling-link-action.js';
import type { WhatsAppCredentials } from '../actions/whatsapp/send-message-action.js';
import type { SecretBox } from '../crypto/secret-box.js';
import type { Db } from '../store/database.js';
import { findPlatformIntegration } from '../store/platform-integrations/find-platform-integration.js';
import { findUserByWhatsAppNumber } from '../store/platform-integrations/find-user-by-whatsapp-number.js';
import { incrementPlatformCounter } from '../store/platform-integrations/increment-platform-counter.js';
import { decryptCredentials } from './platform-integration.js';

/** Users' own platform accounts as the actions read them (`credentials`, `recordLink` of the Calendly and WhatsApp actions). */
export interface PlatformCredentials {
  /** The user's decrypted credentials merged over their settings (e.g. `{access_token, event_type, phone_number_id}`); undefined when not connected. */
  credentialsFor(userId: string, platform: string): Promise<Record<string, unknown> | undefined>;
  /** The string fields the Calendly action reads: `credentials` of `createCalendlyActions`. */
  calendlyCredentials(userId: string): Promise<CalendlyCredentials | undefined>;
  /** The string fields the WhatsApp action reads: `credentials` of `createWhatsAppActions`. */
  whatsappCredentials(userId: string): Promise<WhatsAppCredentials | undefined>;
  /** Counts a Calendly link made for the user (`links_created` + 1); nothing for a user who has not connected Calendly. */
  recordLink(userId: string): Promise<void>;
  /** The user who connected this WhatsApp Business number, or undefined. */
  userForWhatsAppNumber(phoneNumberId: string): Promise<string | undefined>;
}

/** Reads connections from the store on every call: a PUT is seen by the next step, and nothing decrypted is kept. */
export function createPlatformCredentials(deps: { readonly db: Db; readonly secretBox: SecretBox }): PlatformCredentials {
  const credentialsFor = async (userId: string, platform: string): Promise<Record<string, unknown> | undefined> => {
    const row = await findPlatformIntegration(deps.db, { userId, platform });
    if (row === undefined) return undefined;
    return { ...(JSON.parse(row.settings) as Record<string, unknown>), ...decryptCredentials(row.credentials, deps.secretBox) };
  };
  const strings = async <K extends string>(userId: string, platform: string, keys: readonly K[]): Promise<Partial<Record<K, string>> | undefined> => {
    const all = await credentialsFor(userId, platform);
    if (all === undefined) return undefined;
    return Object.fromEntries(keys.flatMap((key) => (typeof all[key] === 'string' ? [[key, all[key]]] : []))) as Partial<Record<K, string>>;
  };
  return {
    credentialsFor,
    calendlyCredentials: (userId) => strings(userId, 'calendly', ['access_token', 'event_type']),
    whatsappCredentials: (userId) => strings(userId, 'whatsapp', ['access_token', 'phone_number_id']),
    recordLink: async (userId) => void (await incrementPlatformCounter(deps.db, { userId, platform: 'calendly', counter: 'links_created' })),
    userForWhatsAppNumber: (phoneNumberId) => findUserByWhatsAppNumber(deps.db, { phoneNumberId }),
  };
}
