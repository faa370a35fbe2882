import type { Db } from '../database.js';

/** Deletes one user's overrides: of one integration type, or all of them. Returns how many were deleted. */
export async function deleteUserOverrides(db: Db, args: { readonly userId: string; readonly integrationType?: string }): Promise<number> {
  const result = await db
    .deleteFrom('user_integration_configs')
    .where('user_id', '=', args.userId)
    .$if(args.integrationType !== undefined, (qb) => qb.where('integration_type', '=', args.integrationType as string))
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
