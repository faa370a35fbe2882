import type { ErrorCode } from '../../core/errors/error-catalog.js';
import type { CompiledRoute } from '../../routing/compiled-route.js';

/** A run an accepted event started, committed with it. */
export interface StartedRun {
  readonly id: string;
  readonly route: CompiledRoute;
}

/** What became of one inbound webhook. Only the HTTP route maps this to a status code. */
export type WebhookOutcome =
  | { readonly kind: 'accepted'; readonly eventId: string; readonly runs: readonly StartedRun[] }
  | { readonly kind: 'duplicate'; readonly eventId: string }
  | { readonly kind: 'ignored'; readonly eventType: string }
  | { readonly kind: 'handshake'; readonly contentType: string; readonly body: string }
  | { readonly kind: 'rejected'; readonly code: ErrorCode; readonly message: string }
  /** A batch endpoint's request: what became of each item, in order. */
  | { readonly kind: 'batch'; readonly items: ReadonlyArray<Extract<WebhookOutcome, { kind: 'accepted' | 'duplicate' | 'ignored' }>> };
