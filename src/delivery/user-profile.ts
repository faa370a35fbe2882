/**
 * Where a user can be reached, kept once per user (`PUT /api/v1/users/{user_id}`). A channel reads
 * its address from the user's override `config` first, then from here.
 */
export interface UserProfile {
  readonly user_id: string;
  readonly email: string | null;
  /** E.164, e.g. +14155550100. */
  readonly phone: string | null;
  readonly slack_user_id: string | null;
  /** IANA zone, e.g. Europe/Berlin. */
  readonly timezone: string | null;
  readonly webhook_url: string | null;
}
