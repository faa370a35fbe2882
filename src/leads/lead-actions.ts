import type { Kysely } from 'kysely';
import type { AnyAction } from '../actions/action.js';
import type { Clock } from '../core/clock.js';
import type { Database } from '../store/database.js';
import { createCalendlyEventAction } from './calendly-event-action.js';
import { createLinkSentAction } from './link-sent-action.js';
import type { PlatformCredentials } from './platform-credentials.js';
import { createRecordMessageAction } from './record-message-action.js';

export interface LeadActionsDeps {
  /** A connection, not a transaction: leads.calendly_event opens its own. */
  readonly db: Kysely<Database>;
  readonly clock: Clock;
  readonly credentials: PlatformCredentials;
  /** Whose leads messages are when neither `user_id` nor a connected WhatsApp number says. Default `default`. */
  readonly defaultUserId?: string | undefined;
}

/** Seed 003's lead actions: `leads.record_message`, `leads.link_sent`, `leads.calendly_event`. */
export function createLeadActions(deps: LeadActionsDeps): AnyAction[] {
  return [createRecordMessageAction(deps), createLinkSentAction(deps), createCalendlyEventAction(deps)];
}
