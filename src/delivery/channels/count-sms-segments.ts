/** GSM 03.38's basic character set (the escape character excluded): one septet each. */
const gsmBasic = new Set(
  "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà",
);

/** GSM 03.38's extension table: an escape plus a septet, two septets each. */
const gsmExtended = new Set('\f^{}\\[~]|€');

/** How a text travels as SMS and how many messages it is billed as. */
export interface SmsSegments {
  /** GSM-7 when every character is in the GSM 03.38 tables, else UCS-2. */
  readonly encoding: 'GSM-7' | 'UCS-2';
  /** Septets (GSM-7, extension characters count 2) or UTF-16 code units (UCS-2). */
  readonly units: number;
  /** 0 for an empty text. */
  readonly segments: number;
}

/** Units of one message, and of each part of a concatenated one (the rest is the UDH). */
const limits = { 'GSM-7': { single: 160, part: 153 }, 'UCS-2': { single: 70, part: 67 } } as const;

/**
 * The segments a text is sent as: GSM-7 fits 160 septets in one message and 153 in each part of a
 * concatenated one, UCS-2 70 and 67 code units. A character is never split across parts (an
 * extension character's escape stays with it, a surrogate pair stays whole), as handsets and
 * carriers do, so a part can hold one unit less than its limit.
 */
export function countSmsSegments(text: string): SmsSegments {
  const characters = Array.from(text);
  const encoding = characters.every((c) => gsmBasic.has(c) || gsmExtended.has(c)) ? 'GSM-7' : 'UCS-2';
  const sizes = characters.map((c) => (encoding === 'GSM-7' ? (gsmExtended.has(c) ? 2 : 1) : c.length));
  const units = sizes.reduce((sum, size) => sum + size, 0);
  const { single, part } = limits[encoding];
  if (units === 0) return { encoding, units, segments: 0 };
  if (units <= single) return { encoding, units, segments: 1 };
  let segments = 1;
  let used = 0;
  for (const size of sizes) {
    if (used + size > part) {
      segments += 1;
      used = 0;
    }
    used += size;
  }
  return { encoding, units, segments };
}
