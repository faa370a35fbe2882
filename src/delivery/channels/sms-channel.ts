import { Agent, request, type Dispatcher } from 'undici';
import type { DeliveryConfig } from '../../config/delivery-config-schema.js';
import { attemptSignal } from './attempt-signal.js';
import type { Channel, ChannelHealth, SendOutcome } from './channel.js';
import { countSmsSegments } from './count-sms-segments.js';
import { postTwilioMessage } from './post-twilio-message.js';
import { errorBodyLimits, readBodyPrefix } from './read-body-prefix.js';
import { SmsConfigSchema, smsSecretKeys } from './sms-config-schema.js';
import { resolveSmsDestination, type SmsDestination } from './sms-destination.js';
import { readSmsProgress, type SmsProgress } from './sms-progress.js';
import { smsText } from './sms-text.js';
import { splitSmsText } from './split-sms-text.js';
import { thrownSendFailure } from './thrown-send-failure.js';
import { twilioAccount, type TwilioAccount } from './twilio-account.js';
import { twilioErrorFailure } from './twilio-error-failure.js';

/** What `createSmsChannel` is built from. */
export interface SmsChannelOptions {
  readonly settings: DeliveryConfig['sms'];
  /** For the Twilio API; the channel makes (and closes) its own pool when absent. */
  readonly dispatcher?: Dispatcher | undefined;
}

/**
 * SMS through Twilio's Messages API. A text longer than `max_message_length` goes as several
 * messages, in order, one request each; a failed attempt records the SIDs of the parts Twilio
 * accepted (`SmsProgress`) and the next attempt sends only the rest.
 */
export function createSmsChannel(options: SmsChannelOptions): Channel<SmsDestination> {
  const { settings } = options;
  const ownsDispatcher = options.dispatcher === undefined;
  const dispatcher = options.dispatcher ?? new Agent();
  const account = twilioAccount(settings, dispatcher);

  return {
    type: 'SMS',
    configSchema: SmsConfigSchema,
    secretKeys: smsSecretKeys,

    resolveDestination(target) {
      if (account === undefined) return { ok: false, code: 'no_address', message: 'SMS is not configured (Twilio account SID, auth token and a sender are needed)' };
      return resolveSmsDestination(target);
    },

    breakerKey: () => `sms:${settings.base_url.replace(/\/+$/, '')}/${settings.account_sid ?? ''}`,

    async send(message, destination, context) {
      if (account === undefined) return { kind: 'failed', retryable: false, code: 'not_configured', message: 'SMS is not configured' };
      const text = smsText(message, destination.includeAgentInfo);
      const parts = splitSmsText(text, settings.max_message_length);
      if (parts.length === 0) return { kind: 'failed', retryable: false, code: 'message_empty', message: 'the message has no text to send' };
      const alreadySent = readSmsProgress(message.progress);
      context.logger.debug({ parts: parts.length, alreadySent: alreadySent.length, segments: countSmsSegments(text).segments }, 'sending SMS');
      return sendSmsParts(account, parts, alreadySent, destination.to, context.signal, context.nowMs);
    },

    async checkHealth(signal): Promise<ChannelHealth> {
      if (account === undefined) return { configured: false, healthy: false, message: 'Twilio account SID, auth token and a sender (from_number or messaging_service_sid) are needed' };
      const attempt = attemptSignal(signal, account.timeoutMs);
      try {
        const response = await request(`${account.baseUrl}/2010-04-01/Accounts/${encodeURIComponent(account.accountSid)}.json`, {
          method: 'GET',
          headers: { authorization: account.authorization, accept: 'application/json' },
          dispatcher: account.dispatcher,
          signal: attempt.signal,
        });
        const { text } = await readBodyPrefix(response.body, errorBodyLimits);
        if (response.statusCode === 200) return { configured: true, healthy: true };
        return { configured: true, healthy: false, message: `account lookup failed: ${twilioErrorFailure(response.statusCode, text, undefined).message}` };
      } catch (thrown) {
        return { configured: true, healthy: false, message: `account lookup failed: ${thrownSendFailure(thrown, attempt).message}` };
      }
    },

    async close() {
      if (ownsDispatcher) await dispatcher.close();
    },
  };
}

/** Sends the parts after the ones already sent, in order, stopping at the first failure. */
async function sendSmsParts(account: TwilioAccount, parts: readonly string[], alreadySent: readonly string[], to: string, signal: AbortSignal, nowMs: number): Promise<SendOutcome> {
  const sent = alreadySent.slice(0, parts.length);
  let statusCode: number | undefined;
  for (let index = sent.length; index < parts.length; index += 1) {
    const result = await postTwilioMessage(account, to, parts[index] as string, signal, nowMs);
    if (result.kind === 'failed') {
      const progress: SmsProgress = { sent };
      const where = parts.length > 1 ? `part ${index + 1} of ${parts.length}: ` : '';
      return { ...result, message: `${where}${result.message}`, progress, providerMessageId: sent.length > 0 ? sent.join(',') : undefined };
    }
    sent.push(result.sid);
    statusCode = result.statusCode;
  }
  return { kind: 'sent', statusCode, providerMessageId: sent.join(',') };
}
