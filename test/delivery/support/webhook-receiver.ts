import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { Webhook } from 'standardwebhooks';

/**
 * A real webhook receiver for tests and benchmarks: a `node:http` server (127.0.0.1, port 0 by
 * default) that records every request and answers as programmed.
 *
 * ```ts
 * const receiver = await startWebhookReceiver({ secret: 'whsec_…' });
 * receiver.failNext(2, 500);                                       // then the default 200
 * receiver.program({ status: 429, headers: { 'retry-after': '3' } }, { path: '/slow', times: 1 });
 * receiver.program({ hang: true });                                // never answer, until reset()
 * // … send to `${receiver.url}/hook` …
 * const [first] = await receiver.waitForRequests(1);
 * first.verified;                                                  // checked by the official standardwebhooks library
 * await receiver.close();                                          // destroys hung connections too
 * ```
 *
 * Answers: the first programmed rule that matches the request's path (rules with a `path` before
 * global ones, oldest first) and still has uses left; otherwise `defaultAnswer`. A rule without
 * `times` applies until `reset()`.
 */

/** How the receiver answers one request. */
export type ReceiverAnswer =
  | {
      readonly status: number;
      readonly headers?: Readonly<Record<string, string>>;
      readonly body?: string;
      /** Wait this long (after the body arrived) before answering. */
      readonly delayMs?: number;
    }
  /** Never answer; the connection stays open until the client gives up or the receiver closes. */
  | { readonly hang: true };

export interface ProgramOptions {
  /** Only requests to this path (without the query); all paths when absent. */
  readonly path?: string;
  /** How many requests the rule answers before it expires; until `reset()` when absent. */
  readonly times?: number;
}

export interface ReceivedRequest {
  readonly method: string;
  /** The request target: path and query. */
  readonly path: string;
  /** As Node parsed them: lower-case names. */
  readonly headers: IncomingHttpHeaders;
  readonly rawBody: Buffer;
  /** The body parsed as JSON; undefined when it is not JSON. */
  readonly json: unknown;
  /** Date.now() when the whole body had arrived. */
  readonly receivedAtMs: number;
  /** Whether `new Webhook(secret).verify(rawBody, headers)` accepted it; undefined when the receiver has no secret. */
  readonly verified: boolean | undefined;
  /** The library's reason when verification failed. */
  readonly verificationError: string | undefined;
  /** The status it was answered with, or 'hang'. */
  readonly answer: number | 'hang';
}

export interface WebhookReceiverOptions {
  /** A `whsec_` secret: every request is verified with the official standardwebhooks library. */
  readonly secret?: string;
  /** Default 127.0.0.1 (use '::1' for IPv6 loopback). */
  readonly host?: string;
  /** Default 0 (any free port). */
  readonly port?: number;
  /** The answer when no programmed rule matches. Default: 200 with `{"ok":true}`. */
  readonly defaultAnswer?: ReceiverAnswer;
  /** false: keep only the counters, not every request (benchmarks). Default true. */
  readonly record?: boolean;
  /** Called for every request as it is recorded (also when `record` is false). */
  readonly onRequest?: (request: ReceivedRequest) => void;
}

export interface WebhookReceiver {
  /** `http://127.0.0.1:<port>` (no trailing slash). */
  readonly url: string;
  readonly port: number;
  /** Every request so far, oldest first (empty when `record` is false). */
  readonly received: readonly ReceivedRequest[];
  /** The recorded requests whose signature verified. */
  readonly verified: readonly ReceivedRequest[];
  /** Requests so far, recorded or not. */
  readonly count: number;
  readonly verifiedCount: number;
  readonly unverifiedCount: number;
  /** TCP connections accepted so far (1 for many sequential requests means keep-alive worked). */
  readonly connections: number;
  /** Adds an answer rule (see the module comment for the order rules are tried in). */
  program(answer: ReceiverAnswer, options?: ProgramOptions): void;
  /** Answers the next `times` requests (to `path`, when given) with `status`, then falls back to later rules or the default. */
  failNext(times: number, status?: number, options?: { readonly path?: string }): void;
  /** Forgets the programmed rules and the recorded requests and counters (not `connections`). */
  reset(): void;
  /** Resolves once `count` requests have arrived in all; rejects after `timeoutMs` (default 5 s). */
  waitForRequests(count: number, timeoutMs?: number): Promise<readonly ReceivedRequest[]>;
  /** Stops listening and destroys every open connection (hung ones included); never waits on a client. */
  close(): Promise<void>;
}

interface Rule {
  readonly answer: ReceiverAnswer;
  readonly path: string | undefined;
  remaining: number;
}

interface Waiter {
  readonly count: number;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}

const DEFAULT_ANSWER: ReceiverAnswer = { status: 200, headers: { 'content-type': 'application/json' }, body: '{"ok":true}' };

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function headerText(value: string | string[] | undefined): string {
  return Array.isArray(value) ? value.join(', ') : (value ?? '');
}

/** Starts a receiver; see the module comment. */
export async function startWebhookReceiver(options: WebhookReceiverOptions = {}): Promise<WebhookReceiver> {
  const webhook = options.secret === undefined ? undefined : new Webhook(options.secret);
  const defaultAnswer = options.defaultAnswer ?? DEFAULT_ANSWER;
  const record = options.record ?? true;
  const received: ReceivedRequest[] = [];
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let rules: Rule[] = [];
  let waiters: Waiter[] = [];
  let count = 0;
  let verifiedCount = 0;
  let unverifiedCount = 0;
  let connections = 0;

  const verify = (rawBody: Buffer, headers: IncomingHttpHeaders): { verified: boolean | undefined; error: string | undefined } => {
    if (webhook === undefined) return { verified: undefined, error: undefined };
    try {
      webhook.verify(rawBody, {
        'webhook-id': headerText(headers['webhook-id']),
        'webhook-timestamp': headerText(headers['webhook-timestamp']),
        'webhook-signature': headerText(headers['webhook-signature']),
      });
      return { verified: true, error: undefined };
    } catch (error) {
      return { verified: false, error: error instanceof Error ? error.message : String(error) };
    }
  };

  const chooseAnswer = (pathname: string): ReceiverAnswer => {
    const rule =
      rules.find((candidate) => candidate.path === pathname && candidate.remaining > 0) ??
      rules.find((candidate) => candidate.path === undefined && candidate.remaining > 0);
    if (rule === undefined) return defaultAnswer;
    rule.remaining -= 1;
    return rule.answer;
  };

  const respond = (response: ServerResponse, answer: Exclude<ReceiverAnswer, { hang: true }>): void => {
    if (response.destroyed) return;
    response.writeHead(answer.status, answer.headers);
    response.end(answer.body ?? '');
  };

  const onComplete = (request: IncomingMessage, response: ServerResponse, rawBody: Buffer): void => {
    const path = request.url ?? '/';
    const answer = chooseAnswer(path.split('?', 1)[0] ?? path);
    const { verified, error } = verify(rawBody, request.headers);
    count += 1;
    if (verified === true) verifiedCount += 1;
    if (verified === false) unverifiedCount += 1;
    const entry: ReceivedRequest = {
      method: request.method ?? '',
      path,
      headers: request.headers,
      rawBody,
      json: parseJson(rawBody.toString('utf8')),
      receivedAtMs: Date.now(),
      verified,
      verificationError: error,
      answer: 'hang' in answer ? 'hang' : answer.status,
    };
    if (record) received.push(entry);
    options.onRequest?.(entry);
    const ready = waiters.filter((waiter) => count >= waiter.count);
    if (ready.length > 0) {
      waiters = waiters.filter((waiter) => count < waiter.count);
      for (const waiter of ready) waiter.resolve();
    }

    if ('hang' in answer) return;
    if (answer.delayMs === undefined || answer.delayMs <= 0) {
      respond(response, answer);
      return;
    }
    const timer = setTimeout(() => {
      timers.delete(timer);
      respond(response, answer);
    }, answer.delayMs);
    timers.add(timer);
  };

  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => onComplete(request, response, Buffer.concat(chunks)));
  });
  server.on('connection', (socket) => {
    connections += 1;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  let closing: Promise<void> | undefined;

  return {
    url: `http://${host}:${address.port}`,
    port: address.port,
    received,
    get verified() {
      return received.filter((request) => request.verified === true);
    },
    get count() {
      return count;
    },
    get verifiedCount() {
      return verifiedCount;
    },
    get unverifiedCount() {
      return unverifiedCount;
    },
    get connections() {
      return connections;
    },
    program(answer, programOptions = {}) {
      rules.push({ answer, path: programOptions.path, remaining: programOptions.times ?? Number.POSITIVE_INFINITY });
    },
    failNext(times, status = 500, failOptions = {}) {
      const answer: ReceiverAnswer = { status, headers: { 'content-type': 'text/plain' }, body: `programmed failure ${status}` };
      rules.push({ answer, path: failOptions.path, remaining: times });
    },
    reset() {
      rules = [];
      received.length = 0;
      count = 0;
      verifiedCount = 0;
      unverifiedCount = 0;
    },
    waitForRequests(wanted, timeoutMs = 5_000) {
      if (count >= wanted) return Promise.resolve(received);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          timers.delete(timer);
          waiters = waiters.filter((waiter) => waiter.resolve !== done);
          reject(new Error(`webhook receiver: ${count} of ${wanted} requests arrived within ${timeoutMs} ms`));
        }, timeoutMs);
        timers.add(timer);
        const done = (): void => {
          clearTimeout(timer);
          timers.delete(timer);
          resolve(received);
        };
        waiters.push({ count: wanted, resolve: done, reject });
      });
    },
    close() {
      closing ??= new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
        for (const waiter of waiters) waiter.reject(new Error('webhook receiver closed'));
        waiters = [];
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
      return closing;
    },
  };
}
