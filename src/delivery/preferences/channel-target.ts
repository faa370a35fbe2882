import type { ChannelTarget } from '../channels/channel.js';
import type { Recipient } from '../recipient.js';
import type { EffectiveConfig } from './resolve-effective-config.js';

/** What a channel resolves a destination from: the effective config with the override's secrets merged in, and the profile. */
export function channelTarget(recipient: Recipient, effective: EffectiveConfig): ChannelTarget {
  return { userId: recipient.userId, config: { ...effective.config, ...effective.secrets }, profile: recipient.profile };
}
