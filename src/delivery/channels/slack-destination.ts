import type { DeliveryConfig } from '../../config/delivery-config-schema.js';
import type { ChannelTarget, DestinationResult } from './channel.js';
import { readConfigBoolean, readConfigString } from './read-channel-config.js';
import { secretValue, type SecretValue } from './secret-value.js';
import { slackUserIdPattern } from './slack-config-schema.js';
import type { SlackPresentation } from './slack-message.js';

/** Where one user's Slack messages go: the Web API with a bot token, or an incoming webhook. */
export type SlackDestination =
  | { readonly kind: 'api'; readonly token: SecretValue; readonly channel: string; readonly presentation: SlackPresentation }
  | {
      readonly kind: 'webhook';
      readonly url: SecretValue;
      /** The URL's origin (no path: the path is the secret), for the breaker key. */
      readonly origin: string;
      /** `user`: the URL came from a config (sent through the dispatcher that refuses private addresses; a 410 disables the config). */
      readonly owner: 'user' | 'system';
      readonly presentation: SlackPresentation;
    };

const slackUserId = new RegExp(slackUserIdPattern);
const channelName = /^\S{1,255}$/;

/**
 * The destination, in order: the config's `webhook_url`; a bot token (the config's, else the
 * system's) with the channel `channel` ?? `slack_user_id` ?? the profile's Slack id (a DM) ??
 * the system's `default_channel`; the system's webhook URL. Pure.
 */
export function resolveSlackDestination(target: ChannelTarget, settings: DeliveryConfig['slack']): DestinationResult<SlackDestination> {
  const { config } = target;
  const configUserId = readConfigString(config, 'slack_user_id');
  if (configUserId !== undefined && !slackUserId.test(configUserId)) return invalid('slack_user_id is not a Slack member id (U… or W…)');
  const profileUserId = target.profile?.slack_user_id?.trim();
  const userId = configUserId ?? (profileUserId !== undefined && slackUserId.test(profileUserId) ? profileUserId : undefined);
  const presentation: SlackPresentation = {
    mentionUserId: readConfigBoolean(config, 'mention_user', false) ? userId : undefined,
    threadReplies: readConfigBoolean(config, 'thread_replies', false),
    includeAgentInfo: readConfigBoolean(config, 'include_agent_info', false),
  };

  const userWebhook = readConfigString(config, 'webhook_url');
  if (userWebhook !== undefined) {
    const origin = httpOrigin(userWebhook);
    if (origin === undefined) return invalid('the Slack webhook_url is not an http(s) URL without credentials');
    return { ok: true, destination: { kind: 'webhook', url: secretValue(userWebhook), origin, owner: 'user', presentation } };
  }

  const token = readConfigString(config, 'bot_token') ?? settings.bot_token;
  if (token !== undefined) {
    const channel = readConfigString(config, 'channel') ?? userId ?? settings.default_channel;
    if (channel === undefined) return { ok: false, code: 'no_address', message: 'no Slack channel or member id in the config or the profile, and no default_channel' };
    if (!channelName.test(channel)) return invalid('the Slack channel is not a channel id, member id or #name');
    return { ok: true, destination: { kind: 'api', token: secretValue(token), channel, presentation } };
  }

  if (settings.webhook_url !== undefined) {
    const origin = httpOrigin(settings.webhook_url);
    if (origin !== undefined) return { ok: true, destination: { kind: 'webhook', url: secretValue(settings.webhook_url), origin, owner: 'system', presentation } };
  }
  return { ok: false, code: 'no_address', message: 'Slack is not configured (no bot token or webhook URL)' };
}

function invalid(message: string): DestinationResult<SlackDestination> {
  return { ok: false, code: 'address_invalid', message };
}

/** The origin of an absolute http(s) URL without user info, else undefined. */
function httpOrigin(text: string): string | undefined {
  try {
    const url = new URL(text);
    const web = url.protocol === 'https:' || url.protocol === 'http:';
    return web && url.username === '' && url.password === '' ? url.origin : undefined;
  } catch {
    return undefined;
  }
}
