import type { IntegrationType } from './integration-type.js';

/** A user's override of one integration, as stored; null fields follow the default. Secrets are decrypted. */
export interface UserOverride {
  readonly user_id: string;
  readonly integration_type: IntegrationType;
  readonly enabled: boolean;
  readonly priority: number | null;
  readonly retry_count: number | null;
  readonly retry_delay_seconds: number | null;
  /** Non-secret config keys. */
  readonly config: Readonly<Record<string, unknown>>;
  /** Secret config keys (webhook secret, tokens), decrypted; never returned by the API. */
  readonly secrets: Readonly<Record<string, unknown>>;
  readonly created_at: number;
  readonly updated_at: number;
}
