import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';

/** One HTTP request a stand-in server received, with its body parsed by its content type. */
export interface RecordedRequest {
  readonly method: string;
  /** The path without the query. */
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  /** Lower-case names, as Node gives them. */
  readonly headers: IncomingHttpHeaders;
  readonly rawBody: string;
  /** JSON (`application/json`) or the fields of a form (`application/x-www-form-urlencoded`); the raw text otherwise; undefined for an empty body. */
  readonly body: unknown;
}

/** Reads a whole request and records it. A JSON body that does not parse is kept as its text. */
export async function readRecordedRequest(request: IncomingMessage): Promise<RecordedRequest> {
  const chunks: Buffer[] = [];
  for await (const chunk of request as AsyncIterable<Buffer>) chunks.push(chunk);
  const rawBody = Buffer.concat(chunks).toString('utf8');
  const url = new URL(request.url ?? '/', 'http://stand-in');
  return {
    method: request.method ?? 'GET',
    path: url.pathname,
    query: Object.fromEntries(url.searchParams),
    headers: request.headers,
    rawBody,
    body: parseBody(rawBody, request.headers['content-type'] ?? ''),
  };
}

function parseBody(rawBody: string, contentType: string): unknown {
  if (rawBody === '') return undefined;
  const type = contentType.split(';')[0]?.trim().toLowerCase();
  if (type === 'application/x-www-form-urlencoded') return Object.fromEntries(new URLSearchParams(rawBody));
  if (type === 'application/json') {
    try {
      return JSON.parse(rawBody) as unknown;
    } catch {
      return rawBody;
    }
  }
  return rawBody;
}
