import { Agent, request, type Dispatcher } from 'undici';
import type { DeliveryConfig } from '../../config/delivery-config-schema.js';
import { systemClock } from '../../core/clock.js';
import { attemptSignal } from './attempt-signal.js';
import { callSlackApi, type SlackApi } from './call-slack-api.js';
import type { Channel, ChannelHealth } from './channel.js';
import { postSlackWebhook } from './post-slack-webhook.js';
import { errorBodyLimits, readBodyPrefix } from './read-body-prefix.js';
import { secretValue } from './secret-value.js';
import { SlackConfigSchema, slackSecretKeys } from './slack-config-schema.js';
import { resolveSlackDestination, type SlackDestination } from './slack-destination.js';
import { buildSlackMessage } from './slack-message.js';
import { thrownSendFailure } from './thrown-send-failure.js';

/** What `createSlackChannel` is built from. */
export interface SlackChannelOptions {
  readonly settings: DeliveryConfig['slack'];
  /** For incoming-webhook URLs from a user's config: the caller's dispatcher that refuses private addresses. Not closed by the channel. */
  readonly userUrlDispatcher: Dispatcher;
  /** For the Web API and the system webhook URL; the channel makes (and closes) its own pool when absent. */
  readonly apiDispatcher?: Dispatcher | undefined;
}

/**
 * Slack: `chat.postMessage` with a bot token (a member id as the channel sends a DM), or an
 * incoming webhook. The message is Block Kit sections with a plain `text` fallback.
 */
export function createSlackChannel(options: SlackChannelOptions): Channel<SlackDestination> {
  const { settings, userUrlDispatcher } = options;
  const ownsApiDispatcher = options.apiDispatcher === undefined;
  const apiDispatcher = options.apiDispatcher ?? new Agent();
  const api: SlackApi = { baseUrl: settings.base_url.replace(/\/+$/, ''), dispatcher: apiDispatcher, timeoutMs: settings.timeout_ms };

  return {
    type: 'SLACK',
    configSchema: SlackConfigSchema,
    secretKeys: slackSecretKeys,

    resolveDestination: (target) => resolveSlackDestination(target, settings),

    breakerKey: (destination) => (destination.kind === 'api' ? `slack:${api.baseUrl}` : `slack-webhook:${destination.origin}`),

    async send(message, destination, context) {
      const payload = buildSlackMessage(message, destination.presentation);
      if (destination.kind === 'webhook') {
        const dispatcher = destination.owner === 'user' ? userUrlDispatcher : apiDispatcher;
        return postSlackWebhook({ url: destination.url, owner: destination.owner, dispatcher, timeoutMs: settings.timeout_ms }, payload, context.signal, context.nowMs);
      }
      const answer = await callSlackApi(api, 'chat.postMessage', destination.token, { channel: destination.channel, ...payload }, context.signal, context.nowMs);
      if (answer.kind === 'failed') return answer;
      return { kind: 'sent', statusCode: answer.statusCode, providerMessageId: typeof answer.body.ts === 'string' ? answer.body.ts : undefined };
    },

    async checkHealth(signal): Promise<ChannelHealth> {
      if (settings.bot_token !== undefined) {
        // The clock only dates a Retry-After, which a health answer does not use.
        const answer = await callSlackApi(api, 'auth.test', secretValue(settings.bot_token), {}, signal, systemClock.nowMs());
        if (answer.kind === 'failed') return { configured: true, healthy: false, message: answer.message };
        return { configured: true, healthy: true, message: `auth.test ok${typeof answer.body.team === 'string' ? ` (team ${answer.body.team})` : ''}` };
      }
      if (settings.webhook_url !== undefined) return checkWebhookAnswers(settings.webhook_url, apiDispatcher, settings.timeout_ms, signal);
      return { configured: false, healthy: false, message: 'no Slack bot token or webhook URL is set' };
    },

    async close() {
      if (ownsApiDispatcher) await apiDispatcher.close();
    },
  };
}

/**
 * Whether the system webhook URL answers, without posting: a `GET`, where any HTTP answer counts
 * (Slack refuses the method, but the host and path are reachable).
 */
async function checkWebhookAnswers(url: string, dispatcher: Dispatcher, timeoutMs: number, signal: AbortSignal): Promise<ChannelHealth> {
  const attempt = attemptSignal(signal, timeoutMs);
  try {
    const response = await request(url, { method: 'GET', dispatcher, signal: attempt.signal });
    await readBodyPrefix(response.body, errorBodyLimits);
    return { configured: true, healthy: true, message: `the webhook URL answers (HTTP ${response.statusCode})` };
  } catch (thrown) {
    return { configured: true, healthy: false, message: `the webhook URL does not answer: ${thrownSendFailure(thrown, attempt).message}` };
  }
}
