import { connect } from 'node:net';

export interface RawResponse {
  /** 0 when the server sent nothing parseable. */
  readonly status: number;
  /** Lower-case header names; repeated headers joined with ", ". */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  /** Everything the server sent, as latin1 text. */
  readonly raw: string;
  /** Whether the server closed the connection (rather than the client giving up after `waitMs`). */
  readonly closedByServer: boolean;
}

/**
 * Writes `request` byte for byte to a fresh TCP connection (so malformed requests reach the server's
 * HTTP parser unaltered) and collects what comes back until the server closes it or `waitMs` pass.
 * Send `Connection: close` for well-formed requests, or the wait runs out.
 */
export function rawHttp(url: string, request: string | Buffer, waitMs = 3000): Promise<RawResponse> {
  const target = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(Number(target.port), target.hostname.replace(/^\[|\]$/g, ''));
    const parts: Buffer[] = [];
    let closedByServer = false;
    const done = () => {
      clearTimeout(timer);
      resolve(parseResponse(Buffer.concat(parts).toString('latin1'), closedByServer));
    };
    const timer = setTimeout(() => {
      socket.removeAllListeners('close');
      socket.destroy();
      done();
    }, waitMs);
    socket.on('data', (part: Buffer) => parts.push(part));
    // A server that hangs up while we still write causes EPIPE / ECONNRESET: the close event follows.
    socket.on('error', () => undefined);
    socket.on('close', () => {
      closedByServer = true;
      done();
    });
    socket.on('connect', () => socket.write(request));
  });
}

function parseResponse(raw: string, closedByServer: boolean): RawResponse {
  const headEnd = raw.indexOf('\r\n\r\n');
  const head = headEnd < 0 ? raw : raw.slice(0, headEnd);
  const [statusLine = '', ...lines] = head.split('\r\n');
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1] ?? 0);
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
  }
  let body = headEnd < 0 ? '' : raw.slice(headEnd + 4);
  if (headers['transfer-encoding'] === 'chunked') body = dechunk(body);
  return { status, headers, body: Buffer.from(body, 'latin1').toString('utf8'), raw, closedByServer };
}

function dechunk(text: string): string {
  let out = '';
  let rest = text;
  for (;;) {
    const lineEnd = rest.indexOf('\r\n');
    if (lineEnd < 0) return out;
    const size = Number.parseInt(rest.slice(0, lineEnd), 16);
    if (!Number.isFinite(size) || size === 0) return out;
    out += rest.slice(lineEnd + 2, lineEnd + 2 + size);
    rest = rest.slice(lineEnd + 2 + size + 2);
  }
}

/** A request head plus body, with `Content-Length` computed, for well-formed raw requests. */
export function rawRequest(method: string, path: string, headerLines: readonly string[], body = ''): string {
  return [`${method} ${path} HTTP/1.1`, 'Host: 127.0.0.1', ...headerLines, `Content-Length: ${Buffer.byteLength(body)}`, 'Connection: close', '', body].join('\r\n');
}

export interface ChunkedUpload {
  readonly response: RawResponse;
  /** Body bytes written before the first byte of the answer arrived (-1: no answer). */
  readonly sentBeforeResponse: number;
  /** Body bytes written in all when the connection closed. */
  readonly sentInAll: number;
}

/**
 * Streams up to `total` bytes of spaces as a chunked body (no Content-Length), 64 KiB per chunk with
 * a pause between chunks, until the server closes the connection or `waitMs` pass.
 */
export function streamChunkedBody(url: string, path: string, contentType: string, total: number, waitMs = 5000): Promise<ChunkedUpload> {
  const target = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(Number(target.port), target.hostname.replace(/^\[|\]$/g, ''));
    const parts: Buffer[] = [];
    const chunk = Buffer.concat([Buffer.from('10000\r\n'), Buffer.alloc(0x10000, 0x20), Buffer.from('\r\n')]);
    let sent = 0;
    let sentBeforeResponse = -1;
    let closed = false;
    const done = (closedByServer: boolean) => {
      if (closed) return;
      closed = true;
      clearTimeout(timer);
      resolve({ response: parseResponse(Buffer.concat(parts).toString('latin1'), closedByServer), sentBeforeResponse, sentInAll: sent });
    };
    const timer = setTimeout(() => {
      done(false);
      socket.destroy();
    }, waitMs);
    socket.on('data', (part: Buffer) => {
      if (sentBeforeResponse < 0) sentBeforeResponse = sent;
      parts.push(part);
    });
    socket.on('error', () => undefined);
    socket.on('close', () => done(true));
    const pump = () => {
      if (closed || socket.destroyed) return;
      if (sent >= total) {
        socket.write('0\r\n\r\n');
        return;
      }
      sent += 0x10000;
      socket.write(chunk);
      setTimeout(pump, 1);
    };
    socket.on('connect', () => {
      socket.write(`POST ${path} HTTP/1.1\r\nHost: ${target.host}\r\nContent-Type: ${contentType}\r\nTransfer-Encoding: chunked\r\n\r\n`);
      pump();
    });
  });
}
