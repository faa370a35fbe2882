import type { UserOverride } from './user-override.js';
import type { UserProfile } from './user-profile.js';

/** What the dispatcher knows of one user: their overrides (secrets decrypted) and profile. */
export interface Recipient {
  readonly userId: string;
  readonly overrides: readonly UserOverride[];
  readonly profile: UserProfile | undefined;
}
