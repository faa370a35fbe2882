import type { Dispatcher } from 'undici';
import type { DeliveryConfig } from '../../config/delivery-config-schema.js';

/** What every Twilio request needs: where, as whom, through which connection pool. Built once per channel. */
export interface TwilioAccount {
  /** The REST root without a trailing slash. */
  readonly baseUrl: string;
  readonly accountSid: string;
  /** `Basic base64(sid:token)`; a secret, kept out of every message and log. */
  readonly authorization: string;
  /** `From` or `MessagingServiceSid` (a messaging service wins when both are set: it picks the sender). */
  readonly sender: { readonly field: 'From' | 'MessagingServiceSid'; readonly value: string };
  readonly dispatcher: Dispatcher;
  readonly timeoutMs: number;
}

/** The account of the system settings, or undefined when SID, token or sender is missing. */
export function twilioAccount(settings: DeliveryConfig['sms'], dispatcher: Dispatcher): TwilioAccount | undefined {
  const { account_sid: accountSid, auth_token: authToken, messaging_service_sid: serviceSid, from_number: fromNumber } = settings;
  if (accountSid === undefined || authToken === undefined) return undefined;
  const sender = serviceSid !== undefined ? { field: 'MessagingServiceSid' as const, value: serviceSid } : fromNumber !== undefined ? { field: 'From' as const, value: fromNumber } : undefined;
  if (sender === undefined) return undefined;
  return {
    baseUrl: settings.base_url.replace(/\/+$/, ''),
    accountSid,
    authorization: `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}`,
    sender,
    dispatcher,
    timeoutMs: settings.timeout_ms,
  };
}
