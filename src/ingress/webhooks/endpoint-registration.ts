import type { RateLimitSetting, SplitSetting, ValueSource } from './webhook-endpoint.js';

/** The body of `POST /integration/webhooks/register` (seed 002's fields plus Switchboard's), after schema validation. */
export interface EndpointRegistration {
  readonly endpoint_id: string;
  readonly url?: string | undefined;
  readonly secret?: string | undefined;
  readonly events?: readonly string[] | undefined;
  readonly retry_config?: Readonly<Record<string, unknown>> | undefined;
  readonly verification?: ({ readonly scheme: string } & Readonly<Record<string, unknown>>) | undefined;
  readonly api_key?: string | undefined;
  /** Meta's (WhatsApp's) `hub.verify_token`: GET on a receive path answers its `hub.challenge` when it matches. */
  readonly verify_token?: string | undefined;
  /** Batch endpoint: the array at `json_pointer` ('' is the whole body) is split into one event per item. */
  readonly split?: (Omit<SplitSetting, 'max_items'> & { readonly max_items?: number | undefined }) | undefined;
  /** Media type globs (`application/json`, `*+json`) a body must match, else 415; unset: every type Switchboard reads. */
  readonly content_types?: readonly string[] | undefined;
  readonly ip_allowlist?: readonly string[] | undefined;
  readonly rate_limit?: RateLimitSetting | undefined;
  readonly path?: string | undefined;
  readonly idempotency?: ValueSource | undefined;
  readonly event_type?: ValueSource | undefined;
  readonly max_payload_bytes?: number | undefined;
  readonly allow_unsigned?: boolean | undefined;
}
