/** One integration's delivery settings: seed 001's columns of integration_default_configs and user_integration_configs. */
export interface IntegrationSettings {
  readonly enabled: boolean;
  /** 1 is the highest: channels are tried and listed in ascending priority. */
  readonly priority: number;
  /** Retries after the first attempt (3 → up to 4 attempts). */
  readonly retry_count: number;
  /** The wait before the first retry; each further retry waits twice as long (with jitter). */
  readonly retry_delay_seconds: number;
  readonly config: Readonly<Record<string, unknown>>;
}
