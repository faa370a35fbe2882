import type { ChannelRegistry } from '../channels/channel-registry.js';
import { channelTarget } from '../preferences/channel-target.js';
import { integrationTypes, type IntegrationType } from '../integration-type.js';
import type { IntegrationSettings } from '../integration-settings.js';
import type { Recipient } from '../recipient.js';
import { resolveEffectiveConfigs } from '../preferences/resolve-effective-config.js';

/** Why a channel gets no delivery for a user. */
export type SkipReason = 'disabled' | 'no_address' | 'address_invalid';

export interface SkippedChannel {
  readonly user_id: string;
  readonly integration_type: IntegrationType;
  readonly reason: SkipReason;
  readonly message: string;
}

/** One user's usable channels, highest priority first, and the channels left out. */
export interface UserPlan {
  readonly userId: string;
  readonly channels: readonly IntegrationType[];
  readonly skipped: readonly SkippedChannel[];
}

/**
 * Which channels each user is notified on: the requested channels (all types when none are
 * named) that are enabled in the user's effective config and have a destination, in ascending
 * priority (ties in the order SLACK, EMAIL, WEBHOOK, SMS, TEST). Pure.
 */
export function planNotification(args: {
  readonly recipients: readonly Recipient[];
  readonly channels: readonly IntegrationType[] | undefined;
  readonly defaults: Readonly<Record<IntegrationType, IntegrationSettings>>;
  readonly registry: ChannelRegistry;
}): UserPlan[] {
  const candidates = args.channels === undefined ? integrationTypes : integrationTypes.filter((type) => args.channels?.includes(type));
  return args.recipients.map((recipient) => {
    const effective = resolveEffectiveConfigs(args.defaults, recipient.overrides);
    const usable: IntegrationType[] = [];
    const skipped: SkippedChannel[] = [];
    for (const type of candidates) {
      const config = effective[type];
      if (!config.enabled) {
        // Listed when the request named the channel or the user turned it off; a channel off by default is no news.
        if (args.channels !== undefined || config.source === 'override') {
          skipped.push({ user_id: recipient.userId, integration_type: type, reason: 'disabled', message: `${type} is disabled for this user` });
        }
        continue;
      }
      const destination = args.registry[type].resolveDestination(channelTarget(recipient, config));
      if (!destination.ok) {
        skipped.push({ user_id: recipient.userId, integration_type: type, reason: destination.code, message: destination.message });
        continue;
      }
      usable.push(type);
    }
    usable.sort((a, b) => effective[a].priority - effective[b].priority || integrationTypes.indexOf(a) - integrationTypes.indexOf(b));
    return { userId: recipient.userId, channels: usable, skipped };
  });
}
