/**
 * A text cut into parts of at most `maxLength` UTF-16 code units, at word boundaries: each part
 * ends before the last whitespace that fits, and the whitespace between parts is dropped. A word
 * longer than a whole part is cut hard, never inside a surrogate pair. Parts are never empty; an
 * empty or blank text gives no parts.
 */
export function splitSmsText(text: string, maxLength: number): string[] {
  if (!Number.isInteger(maxLength) || maxLength < 2) throw new RangeError(`maxLength must be an integer ≥ 2, got ${maxLength}`);
  const parts: string[] = [];
  let rest = text.trim();
  while (rest.length > maxLength) {
    const cut = wordBoundary(rest, maxLength) ?? hardCut(rest, maxLength);
    parts.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).trimStart();
  }
  if (rest !== '') parts.push(rest);
  return parts;
}

/** Whitespace a line may break at: not the no-break spaces (U+00A0, U+2007, U+202F). */
const breakable = /[^\S\u00a0\u2007\u202f]/;

/** Index of the last breakable whitespace at or before `maxLength`; `text` starts with a non-space, so the part before it is never blank. */
function wordBoundary(text: string, maxLength: number): number | undefined {
  for (let index = maxLength; index > 0; index -= 1) {
    if (breakable.test(text.charAt(index))) return index;
  }
  return undefined;
}

/** `maxLength`, or one less when that would separate a surrogate pair. */
function hardCut(text: string, maxLength: number): number {
  const code = text.charCodeAt(maxLength - 1);
  return code >= 0xd800 && code <= 0xdbff ? maxLength - 1 : maxLength;
}
