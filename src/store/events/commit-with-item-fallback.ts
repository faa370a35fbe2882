import { coerceError } from '../../core/coerce-error.js';

/**
 * Commits a batch in one go; if that fails, commits each item on its own, so one bad row cannot fail
 * the others. An item whose own commit fails gets its Error in place of a result. A single-item
 * batch's failure is thrown as is.
 */
export async function commitWithItemFallback<I, R>(items: readonly I[], commit: (batch: readonly I[]) => Promise<readonly R[]>): Promise<Array<R | Error>> {
  try {
    return [...(await commit(items))];
  } catch (error) {
    if (items.length === 1) throw error;
    const results: Array<R | Error> = [];
    for (const item of items) {
      try {
        results.push(...(await commit([item])));
      } catch (itemError) {
        results.push(coerceError(itemError));
      }
    }
    return results;
  }
}

/**
 * commitWithItemFallback for a synchronous commit (the SQLite writer thread's prepared statements):
 * the whole batch in one transaction, else each item in its own, an Error in the place of an item
 * whose own commit failed.
 */
export function commitWithItemFallbackSync<I, R>(items: readonly I[], commit: (batch: readonly I[]) => readonly R[]): Array<R | Error> {
  try {
    return [...commit(items)];
  } catch (error) {
    if (items.length === 1) throw error;
    return items.map((item): R | Error => {
      try {
        return commit([item])[0] as R;
      } catch (itemError) {
        return coerceError(itemError);
      }
    });
  }
}
