import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { jsonNestingExceeds } from './json-nesting-exceeds.js';

/** How a body of each supported media type is kept on the envelope. */
export type BodyKind = 'json' | 'form' | 'xml' | 'text' | 'bytes';

export type ParsedBody =
  | {
      readonly ok: true;
      readonly kind: BodyKind;
      readonly data?: unknown;
      /** `data` as JSON text, for storage: a JSON body's own text (never re-serialized, so large integers survive). */
      readonly dataJson?: string;
      readonly dataBase64?: string;
    }
  | { readonly ok: false; readonly message: string };

/** The body kind for a media type (no parameters, lower-case), or undefined when unsupported (415). */
export function bodyKindFor(mediaType: string): BodyKind | undefined {
  if (mediaType === 'application/json' || mediaType.endsWith('+json')) return 'json';
  if (mediaType === 'application/x-www-form-urlencoded') return 'form';
  if (mediaType === 'application/xml' || mediaType === 'text/xml' || mediaType.endsWith('+xml')) return 'xml';
  if (mediaType === 'text/plain') return 'text';
  if (mediaType === 'application/octet-stream' || mediaType === '') return 'bytes';
  return undefined;
}

/** Deepest JSON nesting accepted; far beyond any real webhook, far below where JSON.stringify overflows. */
export const MAX_JSON_DEPTH = 512;

/**
 * XML text stays text: no number coercion ("02134", "+15551234567" and "0x1F" are kept as sent).
 * Character references (`&amp;`, `&#65;`) are decoded, as XML defines; the parser never fetches
 * external entities and bounds internal entity expansion.
 */
const xmlParser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  parseTagValue: false,
  parseAttributeValue: false,
  processEntities: true,
  htmlEntities: true,
});
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Parses verified raw bytes into envelope data. Malformed input is a value, not an exception. */
export function parseWebhookBody(kind: BodyKind, raw: Buffer): ParsedBody {
  if (kind === 'bytes') return { ok: true, kind, dataBase64: raw.toString('base64') };
  let text: string;
  try {
    text = utf8.decode(raw);
  } catch {
    return { ok: false, message: 'The body is not valid UTF-8.' };
  }
  switch (kind) {
    case 'json':
      if (jsonNestingExceeds(text, MAX_JSON_DEPTH)) return { ok: false, message: `Malformed JSON: nested deeper than ${MAX_JSON_DEPTH} levels.` };
      try {
        return { ok: true, kind, data: JSON.parse(text) as unknown, dataJson: text };
      } catch (error) {
        return { ok: false, message: `Malformed JSON: ${(error as Error).message}` };
      }
    case 'form': {
      const data = formToObject(text);
      return { ok: true, kind, data, dataJson: JSON.stringify(data) };
    }
    case 'xml': {
      const valid = XMLValidator.validate(text);
      if (valid !== true) return { ok: false, message: `Malformed XML: ${valid.err.msg} (line ${valid.err.line})` };
      // The validator passes some documents the parser refuses (external entities, expansion limits).
      try {
        const data = xmlParser.parse(text) as unknown;
        return { ok: true, kind, data, dataJson: JSON.stringify(data) };
      } catch (error) {
        return { ok: false, message: `Malformed XML: ${(error as Error).message}` };
      }
    }
    case 'text':
      return { ok: true, kind, data: text, dataJson: JSON.stringify(text) };
    default: {
      const unreachable: never = kind;
      throw new Error(`Unhandled body kind ${String(unreachable)}`);
    }
  }
}

/** Form fields as an object; a repeated name becomes an array of its values in order. */
function formToObject(text: string): Record<string, string | string[]> {
  // A null-prototype object: a field named "__proto__" is data, never the object's prototype.
  const out = Object.create(null) as Record<string, string | string[]>;
  for (const [name, value] of new URLSearchParams(text)) {
    const existing = out[name];
    if (existing === undefined) out[name] = value;
    else if (Array.isArray(existing)) existing.push(value);
    else out[name] = [existing, value];
  }
  return out;
}
