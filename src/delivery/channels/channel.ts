import type { Logger } from 'pino';
import type { TSchema } from 'typebox';
import type { IntegrationType } from '../integration-type.js';
import type { UserProfile } from '../user-profile.js';

/**
 * The contract every delivery channel implements (one module per channel, registered by
 * integration type). A channel is told what to send and where; the dispatcher owns retries,
 * circuit breakers, failover and the delivery history. `send` returns outcomes as values: it
 * throws only for bugs.
 */

/** A channel's settings for one user: the effective `config` (defaults merged with the user's override, secrets decrypted) and the profile. */
export interface ChannelTarget {
  readonly userId: string;
  readonly config: Readonly<Record<string, unknown>>;
  readonly profile: UserProfile | undefined;
}

/** What one attempt sends. The same for every attempt of a delivery except `attempt` and `progress`. */
export interface OutboundMessage {
  /** Stable across attempts: receivers deduplicate on it (Standard Webhooks' webhook-id, the CloudEvents id). */
  readonly deliveryId: string;
  readonly notificationId: string;
  readonly userId: string;
  readonly subject?: string | undefined;
  readonly body: string;
  readonly data?: unknown;
  readonly createdAtMs: number;
  /** This attempt, 1-based. */
  readonly attempt: number;
  /** What earlier attempts of this delivery recorded through `SendOutcome.progress` (e.g. the parts of a long SMS already sent). */
  readonly progress?: unknown;
}

export interface SendContext {
  /** Aborted when the attempt must stop (shutdown, lost claim); the channel also applies its own timeout. */
  readonly signal: AbortSignal;
  readonly nowMs: number;
  readonly logger: Logger;
}

export type SendOutcome =
  | {
      readonly kind: 'sent';
      readonly statusCode?: number | undefined;
      /** The provider's id of what it accepted: Slack's `ts`, Twilio's message SID(s), the SMTP Message-ID. */
      readonly providerMessageId?: string | undefined;
    }
  | {
      readonly kind: 'failed';
      /** false: retrying cannot help (4xx other than 408/429, an invalid address, Slack `channel_not_found`…). */
      readonly retryable: boolean;
      /** Machine-readable, e.g. `http_503`, `timeout`, `connection_failed`, `slack_channel_not_found`, `address_invalid`. */
      readonly code: string;
      readonly message: string;
      readonly statusCode?: number | undefined;
      /** The provider asked to wait (429 Retry-After, Slack `ratelimited`): the next attempt is no sooner. */
      readonly retryAfterMs?: number | undefined;
      /** The receiver said this destination is gone for good (HTTP 410): the user's config of the channel is disabled. */
      readonly disableChannel?: boolean | undefined;
      /** Kept on the delivery and handed to the next attempt as `message.progress`. */
      readonly progress?: unknown;
      readonly providerMessageId?: string | undefined;
    };

export type DestinationResult<D> =
  | { readonly ok: true; readonly destination: D }
  | { readonly ok: false; readonly code: 'no_address' | 'address_invalid'; readonly message: string };

/** Whether the channel's system-level settings are present and answer (checked at start; decides the default `enabled`). */
export interface ChannelHealth {
  readonly configured: boolean;
  readonly healthy: boolean;
  readonly message?: string | undefined;
}

export interface Channel<D = unknown> {
  readonly type: IntegrationType;
  /** The keys a user override's or a default's `config` may hold for this channel (TypeBox, additionalProperties false). */
  readonly configSchema: TSchema;
  /** Keys of `config` that are secrets: encrypted at rest, never returned by the API. */
  readonly secretKeys: readonly string[];
  /** Where this user's messages go, from the effective config and the profile. Pure. */
  resolveDestination(target: ChannelTarget): DestinationResult<D>;
  /** One circuit breaker per key, e.g. `webhook:https://hooks.example.com`. */
  breakerKey(destination: D): string;
  send(message: OutboundMessage, destination: D, context: SendContext): Promise<SendOutcome>;
  checkHealth(signal: AbortSignal): Promise<ChannelHealth>;
  /** Releases pooled connections. */
  close(): Promise<void>;
}

/** A channel of any destination type, as the registry holds them. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyChannel = Channel<any>;
