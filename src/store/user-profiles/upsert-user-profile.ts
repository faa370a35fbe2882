import type { Selectable } from 'kysely';
import type { Db, UserProfilesTable } from '../database.js';

/** The profile fields a write may set; an absent field keeps its value, null clears it. */
export type UserProfileFields = Partial<Pick<UserProfilesTable, 'email' | 'phone' | 'slack_user_id' | 'timezone' | 'webhook_url'>>;

/** Creates the profile or changes the given fields of the existing one; returns it and whether it was created. */
export async function upsertUserProfile(
  db: Db,
  args: { readonly userId: string; readonly fields: UserProfileFields; readonly nowMs: number },
): Promise<{ readonly profile: Selectable<UserProfilesTable>; readonly created: boolean }> {
  const { fields, nowMs } = args;
  const inserted = await db
    .insertInto('user_profiles')
    .values({
      user_id: args.userId,
      email: fields.email ?? null,
      phone: fields.phone ?? null,
      slack_user_id: fields.slack_user_id ?? null,
      timezone: fields.timezone ?? null,
      webhook_url: fields.webhook_url ?? null,
      created_at: nowMs,
      updated_at: nowMs,
    })
    .onConflict((oc) => oc.column('user_id').doNothing())
    .returningAll()
    .executeTakeFirst();
  if (inserted !== undefined) return { profile: inserted, created: true };
  const profile = await db
    .updateTable('user_profiles')
    .set({ ...fields, updated_at: nowMs })
    .where('user_id', '=', args.userId)
    .returningAll()
    .executeTakeFirstOrThrow();
  return { profile, created: false };
}
