/**
 * WHATWG HTML's "valid e-mail address": a dot-atom local part, `@`, and dot-separated DNS labels.
 * Deliberately narrower than RFC 5322 (no quoted local parts, comments or address literals), so
 * an accepted address can hold no whitespace, line break, `<`, `>` or comma.
 */
export const emailAddressPattern = "^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$";
const emailAddress = new RegExp(emailAddressPattern);

/** Whether `text` is one syntactically valid address of at most 254 characters (RFC 5321's path limit). */
export function isEmailAddress(text: string): boolean {
  return text.length <= 254 && emailAddress.test(text);
}
