import { createServer, type ServerResponse } from 'node:http';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { closeHttpServer } from '../delivery/support/listen-on-loopback.js';
import { readRecordedRequest, type RecordedRequest } from '../delivery/support/recorded-request.js';

/** One answer of a stand-in: a status, a JSON body (none when undefined) and extra headers. */
export interface StandInReply {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

/** The faults every JSON API stand-in can be programmed with. */
export interface StandInFaults {
  /**
   * Every request fails until `up()`: `refuse` (default) answers 503 (with `Retry-After` when
   * `retryAfterSeconds` is given), `close` destroys the connection without answering.
   */
  down(options?: { readonly mode?: 'refuse' | 'close'; readonly retryAfterSeconds?: number }): void;
  /** Back to normal: ends `down()` and `hang()`, and drops queued failures. Requests already hanging stay unanswered. */
  up(): void;
  /** The next `n` requests answer `status` (default 500) with an error body, before auth and before anything is created. */
  failNext(n: number, status?: number, options?: { readonly retryAfterSeconds?: number; readonly body?: unknown }): void;
  /** The next `n` requests answer 429 with `Retry-After: <retryAfterSeconds>`. */
  rateLimit(n: number, retryAfterSeconds: number): void;
  /** The next `n` requests (every request until `up()` when `n` is absent) are never answered, for timeouts. */
  hang(n?: number): void;
}

/** A running stand-in. */
export interface JsonApiStandIn extends StandInFaults {
  /** The API root (`base_url`): `http://<host>:<port>`. */
  readonly url: string;
  readonly port: number;
  /** The key it accepts, as `Authorization: Bearer <key>` or as `X-API-Key: <key>`. */
  readonly apiKey: string;
  /** Every request, in arrival order (faulted, unauthorised and replayed ones included). */
  readonly received: RecordedRequest[];
  /** How many requests were answered from the idempotency cache. */
  replayedCount(): number;
  /** Stops listening and ends every connection, hanging ones included. */
  close(): Promise<void>;
}

export interface JsonApiStandInOptions {
  /** For error messages (`slotify stand-in`). */
  readonly name: string;
  readonly apiKey: string;
  /** Default 0 (a free port). */
  readonly port?: number | undefined;
  /** Default `127.0.0.1`. */
  readonly host?: string | undefined;
  /** Answers an authenticated request that no fault took; `url` is the stand-in's root. */
  readonly route: (request: RecordedRequest, url: string) => StandInReply;
}

type Fault = { readonly kind: 'hang' } | { readonly kind: 'reply'; readonly reply: StandInReply };

const errorBody = (code: string, message: string) => ({ error: { code, message } });

/**
 * A JSON API on node:http with programmable faults, the API key check and Idempotency-Key
 * deduplication that the Slotify and ChainSync stand-ins share. Order per request: record it; then
 * `down`, `hang` and queued failures; then the key (401 otherwise); then, for a mutating request
 * (not GET) with an `Idempotency-Key`, a 2xx answered before for the same method, path and key is
 * answered again as it was (with `Idempotent-Replayed: true`) and `route` is not called, so it
 * creates nothing; failed answers are not kept, so a repeat after one is processed anew.
 */
export async function startJsonApiStandIn(options: JsonApiStandInOptions): Promise<JsonApiStandIn> {
  const received: RecordedRequest[] = [];
  const faults: Fault[] = [];
  const answered = new Map<string, StandInReply>();
  let down: { readonly mode: 'refuse' | 'close'; readonly retryAfterSeconds?: number | undefined } | undefined;
  let hangAll = false;
  let replayed = 0;
  let url = '';

  const server = createServer((request, response) => {
    void readRecordedRequest(request).then((recorded) => {
      received.push(recorded);
      if (down?.mode === 'close') return void request.socket.destroy();
      if (down !== undefined) return send(response, withRetryAfter({ status: 503, body: errorBody('unavailable', `${options.name} is down`) }, down.retryAfterSeconds));
      const fault = hangAll ? ({ kind: 'hang' } as const) : faults.shift();
      if (fault?.kind === 'hang') return;
      if (fault !== undefined) return send(response, fault.reply);
      if (!authorised(recorded, options.apiKey)) return send(response, { status: 401, body: errorBody('unauthorized', 'missing or wrong API key') });
      const key = recorded.method === 'GET' ? undefined : headerValue(recorded.headers['idempotency-key']);
      const cacheKey = key === undefined ? undefined : `${recorded.method} ${recorded.path} ${key}`;
      const earlier = cacheKey === undefined ? undefined : answered.get(cacheKey);
      if (earlier !== undefined) {
        replayed += 1;
        return send(response, { ...earlier, headers: { ...earlier.headers, 'idempotent-replayed': 'true' } });
      }
      const reply = options.route(recorded, url);
      if (cacheKey !== undefined && reply.status >= 200 && reply.status < 300) answered.set(cacheKey, reply);
      send(response, reply);
    });
  });
  const host = options.host ?? '127.0.0.1';
  const port = await listen(server, options.port ?? 0, host);
  url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  return {
    url,
    port,
    apiKey: options.apiKey,
    received,
    replayedCount: () => replayed,
    down(downOptions = {}) {
      down = { mode: downOptions.mode ?? 'refuse', retryAfterSeconds: downOptions.retryAfterSeconds };
    },
    up() {
      down = undefined;
      hangAll = false;
      faults.length = 0;
    },
    failNext(n, status = 500, failOptions = {}) {
      const reply = withRetryAfter({ status, body: failOptions.body ?? errorBody('stand_in_failure', `programmed ${status} from ${options.name}`) }, failOptions.retryAfterSeconds);
      for (let index = 0; index < n; index += 1) faults.push({ kind: 'reply', reply });
    },
    rateLimit(n, retryAfterSeconds) {
      const reply = withRetryAfter({ status: 429, body: errorBody('rate_limited', 'too many requests') }, retryAfterSeconds);
      for (let index = 0; index < n; index += 1) faults.push({ kind: 'reply', reply });
    },
    hang(n) {
      if (n === undefined) hangAll = true;
      else for (let index = 0; index < n; index += 1) faults.push({ kind: 'hang' });
    },
    close: () => closeHttpServer(server),
  };
}

function authorised(request: RecordedRequest, apiKey: string): boolean {
  return headerValue(request.headers.authorization) === `Bearer ${apiKey}` || headerValue(request.headers['x-api-key']) === apiKey;
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function withRetryAfter(reply: StandInReply, retryAfterSeconds: number | undefined): StandInReply {
  return retryAfterSeconds === undefined ? reply : { ...reply, headers: { ...reply.headers, 'retry-after': String(retryAfterSeconds) } };
}

function send(response: ServerResponse, reply: StandInReply): void {
  const headers = { ...(reply.body === undefined ? {} : { 'content-type': 'application/json; charset=utf-8' }), ...reply.headers };
  response.writeHead(reply.status, headers).end(reply.body === undefined ? undefined : JSON.stringify(reply.body));
}

function listen(server: ReturnType<typeof createServer>, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const address = server.address();
      if (address === null || typeof address === 'string') reject(new Error('the server has no TCP address'));
      else resolve(address.port);
    });
  });
}

/** Whether the module at `moduleUrl` (its `import.meta.url`) is the script this process runs (`tsx <file>`). */
export function isMainModule(moduleUrl: string): boolean {
  const script = process.argv[1];
  return script !== undefined && pathToFileURL(script).href === moduleUrl;
}

/**
 * Runs a stand-in as a process: `--port <n>` (default 0), `--host <h>`, `--api-key <key>`; prints
 * one JSON line `{"service", "url", "port"}` once listening, and closes on SIGTERM or SIGINT.
 */
export async function runStandInFromCommandLine(service: string, start: (options: { port?: number; host?: string; apiKey?: string }) => Promise<{ readonly url: string; readonly port: number; close(): Promise<void> }>): Promise<void> {
  const { values } = parseArgs({ options: { port: { type: 'string' }, host: { type: 'string' }, 'api-key': { type: 'string' } } });
  const port = values.port === undefined ? undefined : Number(values.port);
  if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65_535)) throw new Error(`--port must be a port number, got ${values.port}`);
  const server = await start({
    ...(port === undefined ? {} : { port }),
    ...(values.host === undefined ? {} : { host: values.host }),
    ...(values['api-key'] === undefined ? {} : { apiKey: values['api-key'] }),
  });
  console.log(JSON.stringify({ service, url: server.url, port: server.port }));
  const stop = () => void server.close().then(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}
