import type { Dispatcher } from 'undici';
import type { Clock } from '../../core/clock.js';
import { createJsonService, type JsonService } from './call-json-service.js';

/** The settings of a service reached with one API key: `actions.slotify` and `actions.chainsync` have this shape. */
export interface ApiKeyServiceSettings {
  readonly base_url?: string | undefined;
  readonly api_key?: string | undefined;
  readonly timeout_ms: number;
  readonly breaker: { readonly failure_threshold: number; readonly half_open_after_ms: number };
}

/**
 * The JSON service for `settings`, or undefined when `base_url` is unset (its callers then fail
 * with `not_configured`). The key is sent both as `Authorization: Bearer <key>` and as
 * `X-API-Key: <key>`: stand-ins and real deployments of the seed's services check one or the
 * other. Without a key no credentials are sent (a service that needs one answers 401).
 */
export function createApiKeyService(name: string, settings: ApiKeyServiceSettings, options: { readonly dispatcher?: Dispatcher; readonly clock?: Clock } = {}): JsonService | undefined {
  if (settings.base_url === undefined) return undefined;
  const headers: Record<string, string> = settings.api_key === undefined ? {} : { authorization: `Bearer ${settings.api_key}`, 'x-api-key': settings.api_key };
  return createJsonService({ name, baseUrl: settings.base_url, headers, timeoutMs: settings.timeout_ms, breaker: settings.breaker, dispatcher: options.dispatcher, clock: options.clock });
}
