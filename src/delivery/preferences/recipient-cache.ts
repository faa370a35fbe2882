import type { Clock } from '../../core/clock.js';
import type { Recipient } from '../recipient.js';

/**
 * Recipients (overrides with secrets decrypted, and profiles) kept in memory for planning
 * notifications, so a notification to a known user costs no store read and no decryption. An entry
 * lives `ttlMs`; this process's own changes drop it at once (`invalidate`), another process's
 * changes are seen within `ttlMs`. Sending never uses it: the dispatcher reads the store on every
 * attempt, so a channel a user disabled is never sent on even while a stale entry plans it.
 * At most `maxEntries` users are kept; the oldest entries go first.
 */
export class RecipientCache {
  readonly #load: (userIds: readonly string[]) => Promise<Map<string, Recipient>>;
  readonly #clock: Clock;
  readonly #ttlMs: number;
  readonly #maxEntries: number;
  readonly #entries = new Map<string, { readonly recipient: Recipient; readonly loadedAtMs: number }>();
  /** Bumped by every invalidation: a load that started before one does not fill the cache. */
  #generation = 0;

  constructor(options: { readonly load: (userIds: readonly string[]) => Promise<Map<string, Recipient>>; readonly clock: Clock; readonly ttlMs: number; readonly maxEntries?: number }) {
    this.#load = options.load;
    this.#clock = options.clock;
    this.#ttlMs = options.ttlMs;
    this.#maxEntries = options.maxEntries ?? 10_000;
  }

  /** Every user's recipient, from memory when fresh, the rest loaded in one go. */
  async get(userIds: readonly string[]): Promise<Map<string, Recipient>> {
    const nowMs = this.#clock.nowMs();
    const found = new Map<string, Recipient>();
    const missing: string[] = [];
    for (const userId of userIds) {
      const entry = this.#ttlMs > 0 ? this.#entries.get(userId) : undefined;
      if (entry !== undefined && nowMs - entry.loadedAtMs < this.#ttlMs) found.set(userId, entry.recipient);
      else missing.push(userId);
    }
    if (missing.length === 0) return found;
    const generation = this.#generation;
    const loaded = await this.#load(missing);
    for (const [userId, recipient] of loaded) {
      found.set(userId, recipient);
      if (this.#ttlMs > 0 && generation === this.#generation) this.#remember(userId, recipient, nowMs);
    }
    return found;
  }

  /** Forgets a user after this process changed their overrides or profile. */
  invalidate(userId: string): void {
    this.#generation += 1;
    this.#entries.delete(userId);
  }

  #remember(userId: string, recipient: Recipient, nowMs: number): void {
    this.#entries.delete(userId);
    if (this.#entries.size >= this.#maxEntries) this.#entries.delete(this.#entries.keys().next().value as string);
    this.#entries.set(userId, { recipient, loadedAtMs: nowMs });
  }
}
