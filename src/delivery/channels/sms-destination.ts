import type { ChannelTarget, DestinationResult } from './channel.js';
import { readConfigBoolean, readConfigString } from './read-channel-config.js';
import { e164Pattern } from './sms-config-schema.js';

/** Where one user's SMS goes. */
export interface SmsDestination {
  /** E.164. */
  readonly to: string;
  readonly includeAgentInfo: boolean;
}

const e164 = new RegExp(e164Pattern);

/** The user's number: the config's `phone_number`, else the profile's `phone`; it must be E.164. */
export function resolveSmsDestination(target: ChannelTarget): DestinationResult<SmsDestination> {
  const to = readConfigString(target.config, 'phone_number') ?? target.profile?.phone?.trim();
  if (to === undefined || to === '') return { ok: false, code: 'no_address', message: 'no phone number in the SMS config or the user profile' };
  if (!e164.test(to)) return { ok: false, code: 'address_invalid', message: 'the phone number is not E.164 (a plus and 7 to 15 digits, e.g. +14155550100)' };
  return { ok: true, destination: { to, includeAgentInfo: readConfigBoolean(target.config, 'include_agent_info', false) } };
}
