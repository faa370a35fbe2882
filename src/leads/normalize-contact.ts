/**
 * A lead's address in the one form leads are keyed and matched by: a phone number as its digits
 * (`+1 (415) 555-0100` and WhatsApp's wa_id `14155550100` are the same person), an email in lower
 * case, anything else trimmed.
 */
export function normalizeContact(contact: string): string {
  const trimmed = contact.trim();
  if (trimmed.includes('@')) return trimmed.toLowerCase();
  const phone = phoneDigits(trimmed);
  return phone ?? trimmed;
}

/** The digits of a phone number (5 to 20 of them, with `+`, spaces, dots, dashes or brackets around), else undefined. */
export function phoneDigits(text: string): string | undefined {
  if (!/^\+?[0-9 ().-]+$/.test(text.trim())) return undefined;
  const digits = text.replace(/\D/g, '');
  return digits.length >= 5 && digits.length <= 20 ? digits : undefined;
}
