import type { Selectable } from 'kysely';
import type { Db, LeadsTable } from '../database.js';

/** At most this many candidates: more leads sharing one phone number or email is not a match anyone could trust. */
const candidateLimit = 20;

/**
 * Leads a Calendly invitee may be, when the booking URL named none: those whose contact (on any
 * platform) is one of `contacts` (normalised: digits of a phone number, a lower-case email), or
 * whose recorded email is `email`; of one user when `userId` is given. Most recently updated first.
 */
export async function findLeadsForInvitee(
  db: Db,
  args: { readonly userId?: string | undefined; readonly contacts: readonly string[]; readonly email?: string | undefined },
): Promise<Selectable<LeadsTable>[]> {
  const { contacts, email } = args;
  if (contacts.length === 0 && email === undefined) return [];
  return db
    .selectFrom('leads')
    .selectAll()
    .$if(args.userId !== undefined, (qb) => qb.where('user_id', '=', args.userId as string))
    .where((eb) => eb.or([...(contacts.length === 0 ? [] : [eb('contact', 'in', [...contacts])]), ...(email === undefined ? [] : [eb('email', '=', email)])]))
    .orderBy('updated_at', 'desc')
    .orderBy('lead_id', 'desc')
    .limit(candidateLimit)
    .execute();
}
