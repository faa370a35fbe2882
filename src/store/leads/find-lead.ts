import type { Selectable } from 'kysely';
import type { Db, LeadsTable } from '../database.js';

/** One lead by id, or undefined. */
export async function findLead(db: Db, args: { readonly leadId: string }): Promise<Selectable<LeadsTable> | undefined> {
  return db.selectFrom('leads').selectAll().where('lead_id', '=', args.leadId).executeTakeFirst();
}
