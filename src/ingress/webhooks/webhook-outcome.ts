import type { ErrorCode } from '../../core/errors/error-catalog.js';

/** What became of one inbound webhook. Only the HTTP route maps this to a status code. */
export type WebhookOutcome =
  | { readonly kind: 'accepted'; readonly eventId: string }
  | { readonly kind: 'duplicate'; readonly eventId: string }
  | { readonly kind: 'ignored'; readonly eventType: string }
  | { readonly kind: 'handshake'; readonly contentType: string; readonly body: string }
  | { readonly kind: 'rejected'; readonly code: ErrorCode; readonly message: string };
