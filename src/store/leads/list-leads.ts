import type { Selectable } from 'kysely';
import type { Db, LeadsTable } from '../database.js';

/** The user's leads, newest first (by creation, then id), at most `limit` (default 100). */
export async function listLeads(db: Db, args: { readonly userId: string; readonly limit?: number | undefined }): Promise<Selectable<LeadsTable>[]> {
  return db
    .selectFrom('leads')
    .selectAll()
    .where('user_id', '=', args.userId)
    .orderBy('created_at', 'desc')
    .orderBy('lead_id', 'desc')
    .limit(args.limit ?? 100)
    .execute();
}
