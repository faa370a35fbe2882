import { pino } from 'pino';
import type { ChannelTarget, OutboundMessage, SendContext } from '../../../src/delivery/channels/channel.js';
import type { UserProfile } from '../../../src/delivery/user-profile.js';

/** A message as the dispatcher hands it to a channel; first attempt, created at `nowMs`. */
export function outboundMessage(overrides: Partial<OutboundMessage> = {}): OutboundMessage {
  return {
    deliveryId: '0190a5b2-7c3d-7e4f-8a9b-0c1d2e3f4a5b',
    notificationId: '0190a5b2-7c3d-7e4f-8a9b-000000000001',
    userId: 'jane.doe',
    subject: 'Database connection pool exhausted',
    body: 'API Gateway and User Service are failing.\nConnections: 100 of 100.',
    createdAtMs: Date.UTC(2026, 0, 15, 10, 30),
    attempt: 1,
    ...overrides,
  };
}

/** A send context with a silent logger; pass a signal to abort the attempt. */
export function sendContext(signal: AbortSignal = new AbortController().signal): SendContext {
  return { signal, nowMs: Date.UTC(2026, 0, 15, 10, 31), logger: pino({ level: 'silent' }) };
}

/** A user profile with nothing set but what `fields` gives. */
export function userProfile(fields: Partial<UserProfile> = {}): UserProfile {
  return { user_id: 'jane.doe', email: null, phone: null, slack_user_id: null, timezone: null, webhook_url: null, ...fields };
}

/** The effective config and profile of one user. */
export function channelTarget(config: Record<string, unknown> = {}, profile: UserProfile | undefined = userProfile()): ChannelTarget {
  return { userId: 'jane.doe', config, profile };
}
