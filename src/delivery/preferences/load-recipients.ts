import type { SecretBox } from '../../crypto/secret-box.js';
import type { Db } from '../../store/database.js';
import { findUserProfiles } from '../../store/user-profiles/find-user-profiles.js';
import { findUserOverrides } from '../../store/user-integrations/find-user-overrides.js';
import type { Recipient } from '../recipient.js';
import { userOverrideFromRow } from './user-override-from-row.js';
import type { UserProfile } from '../user-profile.js';

/** Loads the overrides and profiles of these users in two queries; every user gets an entry. */
export async function loadRecipients(db: Db, secretBox: SecretBox, userIds: readonly string[]): Promise<Map<string, Recipient>> {
  const [overrideRows, profileRows] = await Promise.all([findUserOverrides(db, userIds), findUserProfiles(db, userIds)]);
  const profiles = new Map<string, UserProfile>(profileRows.map((row) => [row.user_id, row]));
  const recipients = new Map<string, Recipient>();
  for (const userId of userIds) recipients.set(userId, { userId, overrides: [], profile: profiles.get(userId) });
  for (const row of overrideRows) {
    const recipient = recipients.get(row.user_id);
    if (recipient !== undefined) (recipient.overrides as ReturnType<typeof userOverrideFromRow>[]).push(userOverrideFromRow(row, secretBox));
  }
  return recipients;
}
