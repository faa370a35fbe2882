import { ApiError } from '../core/errors/api-error.js';

/** Items per page when a list call gives no `limit`. */
export const DEFAULT_PAGE_LIMIT = 50;

/** An opaque page cursor: base64url of the last id on the previous page. */
export function encodeCursor(lastId: string): string {
  return Buffer.from(JSON.stringify({ after: lastId }), 'utf8').toString('base64url');
}

/** Reads a cursor from a query string; a malformed one is a 400 `cursor_invalid`. */
export function decodeCursor(cursor: string | undefined): string | undefined {
  if (cursor === undefined || cursor === '') return undefined;
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { after?: unknown };
    if (typeof parsed.after === 'string' && parsed.after.length > 0 && parsed.after.length <= 64) return parsed.after;
  } catch {
    // fall through to the error below
  }
  throw new ApiError('cursor_invalid');
}
