import type { Clock } from '../../core/clock.js';
import type { SecretBox } from '../../crypto/secret-box.js';
import type { Store } from '../../store/store.js';
import { listValidSecrets } from '../../store/webhook-endpoints/list-valid-secrets.js';
import { listWebhookEndpoints } from '../../store/webhook-endpoints/list-webhook-endpoints.js';
import { getScheme } from '../verify/scheme-registry.js';
import type { VerificationScheme } from '../verify/verification-scheme.js';
import { compileIpAllowlist, type IpAllowlist } from './ip-allowlist.js';
import { endpointFromRow, type WebhookEndpoint } from './webhook-endpoint.js';

/** An endpoint ready for the hot path: decrypted secrets, its scheme with parsed options, a compiled allowlist. */
export interface ResolvedEndpoint {
  readonly endpoint: WebhookEndpoint;
  readonly scheme: VerificationScheme;
  readonly schemeOptions: unknown;
  /** Plain secrets, newest first, each with the time it stops verifying (null: never). */
  readonly secrets: ReadonlyArray<{ readonly value: string; readonly expiresAt: number | null }>;
  readonly ipAllowlist: IpAllowlist;
}

/**
 * An in-memory view of every endpoint, so receiving a webhook needs no query to find its endpoint.
 * Local changes call `invalidate()`; changes made by another instance are seen within `ttlMs`.
 */
export class EndpointDirectory {
  readonly #store: Store;
  readonly #secretBox: SecretBox;
  readonly #clock: Clock;
  readonly #ttlMs: number;
  #byId = new Map<string, ResolvedEndpoint>();
  #byPath = new Map<string, ResolvedEndpoint>();
  #loadedAt = Number.NEGATIVE_INFINITY;
  #loading: Promise<void> | undefined;

  constructor(store: Store, secretBox: SecretBox, clock: Clock, ttlMs: number) {
    this.#store = store;
    this.#secretBox = secretBox;
    this.#clock = clock;
    this.#ttlMs = ttlMs;
  }

  /** The endpoint with this id, reloading first when the view is stale or the id is unknown. */
  async findById(endpointId: string): Promise<ResolvedEndpoint | undefined> {
    if (this.#isStale()) await this.reload();
    const found = this.#byId.get(endpointId);
    if (found !== undefined || !this.#mayReloadOnMiss()) return found;
    await this.reload();
    return this.#byId.get(endpointId);
  }

  /** The endpoint listening on this extra path. */
  async findByPath(path: string): Promise<ResolvedEndpoint | undefined> {
    if (this.#isStale()) await this.reload();
    const found = this.#byPath.get(path);
    if (found !== undefined || !this.#mayReloadOnMiss()) return found;
    await this.reload();
    return this.#byPath.get(path);
  }

  /** The endpoint with this id if the view is fresh and has it; otherwise undefined (use findById). */
  cachedById(endpointId: string): ResolvedEndpoint | undefined {
    return this.#isStale() ? undefined : this.#byId.get(endpointId);
  }

  /** The endpoint on this extra path if the view is fresh and has it; otherwise undefined (use findByPath). */
  cachedByPath(path: string): ResolvedEndpoint | undefined {
    return this.#isStale() ? undefined : this.#byPath.get(path);
  }

  /** Forgets the cached view; the next lookup reloads. */
  invalidate(): void {
    this.#loadedAt = Number.NEGATIVE_INFINITY;
  }

  /** Reloads every endpoint and secret (one load at a time; concurrent callers share it). */
  reload(): Promise<void> {
    this.#loading ??= this.#load().finally(() => {
      this.#loading = undefined;
    });
    return this.#loading;
  }

  #isStale(): boolean {
    return this.#clock.nowMs() - this.#loadedAt > this.#ttlMs;
  }

  /** Unknown ids reload at most once a second, so a flood of bad ids cannot hammer the store. */
  #mayReloadOnMiss(): boolean {
    return this.#clock.nowMs() - this.#loadedAt > Math.min(1000, this.#ttlMs);
  }

  async #load(): Promise<void> {
    const startedAt = this.#clock.nowMs();
    const [rows, secretRows] = await Promise.all([listWebhookEndpoints(this.#store.db), listValidSecrets(this.#store.db, startedAt)]);
    const secretsByEndpoint = new Map<string, Array<{ value: string; expiresAt: number | null }>>();
    for (const row of secretRows) {
      const list = secretsByEndpoint.get(row.endpoint_id) ?? [];
      list.push({ value: this.#secretBox.decrypt(row.secret_ciphertext), expiresAt: row.expires_at === null ? null : Number(row.expires_at) });
      secretsByEndpoint.set(row.endpoint_id, list);
    }
    const byId = new Map<string, ResolvedEndpoint>();
    const byPath = new Map<string, ResolvedEndpoint>();
    for (const row of rows) {
      const endpoint = endpointFromRow(row);
      const scheme = getScheme(endpoint.verification.scheme);
      if (scheme === undefined) throw new Error(`Endpoint ${endpoint.endpointId} uses unknown scheme ${endpoint.verification.scheme}`);
      const parsed = scheme.parseOptions(endpoint.verification.options);
      if (!parsed.ok) throw new Error(`Endpoint ${endpoint.endpointId} has invalid verification options: ${parsed.message}`);
      const resolved: ResolvedEndpoint = {
        endpoint,
        scheme,
        schemeOptions: parsed.options,
        secrets: secretsByEndpoint.get(endpoint.endpointId) ?? [],
        ipAllowlist: compileIpAllowlist(endpoint.ipAllowlist),
      };
      byId.set(endpoint.endpointId, resolved);
      if (endpoint.path !== null) byPath.set(endpoint.path, resolved);
    }
    this.#byId = byId;
    this.#byPath = byPath;
    this.#loadedAt = startedAt;
  }
}
