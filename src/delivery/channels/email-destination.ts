import type { ChannelTarget, DestinationResult } from './channel.js';
import { isEmailAddress } from './is-email-address.js';
import { readConfigBoolean, readConfigString } from './read-channel-config.js';

/** Where one user's email goes and how it looks. */
export interface EmailDestination {
  readonly to: string;
  readonly format: 'html' | 'text';
  readonly includeAgentInfo: boolean;
}

/** The config's `email_address`, else the profile's `email`, checked syntactically; `format` defaults to html. */
export function resolveEmailDestination(target: ChannelTarget): DestinationResult<EmailDestination> {
  const to = readConfigString(target.config, 'email_address') ?? target.profile?.email?.trim();
  if (to === undefined || to === '') return { ok: false, code: 'no_address', message: 'no email address in the EMAIL config or the user profile' };
  if (!isEmailAddress(to)) return { ok: false, code: 'address_invalid', message: 'the email address is not a valid address (name@domain)' };
  const format = readConfigString(target.config, 'format') === 'text' ? 'text' : 'html';
  return { ok: true, destination: { to, format, includeAgentInfo: readConfigBoolean(target.config, 'include_agent_info', false) } };
}
