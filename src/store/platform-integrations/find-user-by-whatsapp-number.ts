import { sql } from 'kysely';
import type { Db } from '../database.js';

/**
 * The user whose WhatsApp connection's settings hold this `phone_number_id` (inbound messages name
 * the business number they were sent to), or undefined. Should two users hold the same number, the
 * one who connected it first wins. Portable across dialects: a LIKE on the JSON text narrows the
 * rows, and the parsed settings decide.
 */
export async function findUserByWhatsAppNumber(db: Db, args: { readonly phoneNumberId: string }): Promise<string | undefined> {
  const pattern = `%${escapeLike(JSON.stringify(args.phoneNumberId))}%`;
  const candidates = await db
    .selectFrom('platform_integrations')
    .select(['user_id', 'settings'])
    .where('platform', '=', 'whatsapp')
    .where(sql<boolean>`settings like ${pattern} escape '\\'`)
    .orderBy('created_at')
    .orderBy('user_id')
    .execute();
  return candidates.find((row) => phoneNumberIdOf(row.settings) === args.phoneNumberId)?.user_id;
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (char) => `\\${char}`);
}

function phoneNumberIdOf(settings: string): unknown {
  try {
    const parsed: unknown = JSON.parse(settings);
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>)['phone_number_id'] : undefined;
  } catch {
    return undefined;
  }
}
