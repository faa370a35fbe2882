/** A validated `signed_content` template, ready to build the exact bytes a sender signed. */
export interface SignedContentTemplate {
  readonly usesTimestamp: boolean;
  /** The signed bytes: literal text as UTF-8, `{body}` as the raw body, `{timestamp}` as the header text as received. */
  render(body: Buffer, timestamp: string | undefined): Buffer;
}

export type SignedContentTemplateResult =
  | { readonly ok: true; readonly template: SignedContentTemplate }
  | { readonly ok: false; readonly message: string };

type Segment = { readonly literal: Buffer } | { readonly placeholder: 'body' | 'timestamp' };

const PLACEHOLDER = /\{([^{}]*)\}/g;

/**
 * Parses a template such as `{timestamp}.{body}` or `v0:{timestamp}:{body}`. `{body}` must occur
 * exactly once, so the whole body is always covered by the signature; `{timestamp}` is allowed only
 * when the scheme reads a timestamp header.
 */
export function parseSignedContentTemplate(text: string, hasTimestampHeader: boolean): SignedContentTemplateResult {
  const segments: Segment[] = [];
  let bodyCount = 0;
  let usesTimestamp = false;
  let last = 0;
  for (const match of text.matchAll(PLACEHOLDER)) {
    const name = match[1];
    if (name !== 'body' && name !== 'timestamp') {
      return { ok: false, message: 'may use only the placeholders {body} and {timestamp}' };
    }
    if (match.index > last) segments.push({ literal: Buffer.from(text.slice(last, match.index), 'utf8') });
    segments.push({ placeholder: name });
    last = match.index + match[0].length;
    if (name === 'body') bodyCount += 1;
    else usesTimestamp = true;
  }
  if (last < text.length) segments.push({ literal: Buffer.from(text.slice(last), 'utf8') });
  if (bodyCount !== 1) return { ok: false, message: 'must contain {body} exactly once' };
  if (usesTimestamp && !hasTimestampHeader) return { ok: false, message: 'uses {timestamp} but no timestamp_header is set' };

  const render = (body: Buffer, timestamp: string | undefined): Buffer =>
    Buffer.concat(
      segments.map((segment) => {
        if ('literal' in segment) return segment.literal;
        if (segment.placeholder === 'body') return body;
        if (timestamp === undefined) throw new Error('signed content needs a timestamp but none was given');
        return Buffer.from(timestamp, 'utf8');
      }),
    );
  return { ok: true, template: { usesTimestamp, render } };
}
