import type { Selectable } from 'kysely';
import type { Db, LeadsTable } from '../database.js';

/** The user's lead with this (normalised) contact on this platform, or undefined. */
export async function findLeadByContact(
  db: Db,
  args: { readonly userId: string; readonly platform: string; readonly contact: string },
): Promise<Selectable<LeadsTable> | undefined> {
  return db
    .selectFrom('leads')
    .selectAll()
    .where('user_id', '=', args.userId)
    .where('platform', '=', args.platform)
    .where('contact', '=', args.contact)
    .executeTakeFirst();
}
