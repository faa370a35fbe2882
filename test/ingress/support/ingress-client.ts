import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import { getScheme } from '../../../src/ingress/verify/scheme-registry.js';
import type { TestSwitchboard } from '../../support/test-switchboard.js';

/** A registration body for `POST /integration/webhooks/register` (see src/http/schemas/webhook-schemas.ts). */
export type Registration = Readonly<Record<string, unknown>> & { readonly endpoint_id: string };

/** An id no other test run shares (Redis counters outlive a run). */
export function uniqueId(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

/** A standard-webhooks secret (`whsec_` + base64 of 32 bytes). */
export function newWhsec(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

/** Registers an endpoint over HTTP and returns its secret (given or generated). */
export async function registerEndpoint(sb: TestSwitchboard, registration: Registration): Promise<string> {
  const response = await fetch(`${sb.url}/integration/webhooks/register`, {
    method: 'POST',
    headers: { ...sb.auth, 'content-type': 'application/json' },
    body: JSON.stringify(registration),
  });
  const body = (await response.json()) as { secret?: string };
  expect(response.status, JSON.stringify(body)).toBe(201);
  const secret = registration['secret'] ?? body.secret;
  return typeof secret === 'string' ? secret : '';
}

/** The headers that sign `body` with the named scheme, as a sender would send them. */
export function signedHeaders(
  schemeName: string,
  body: Buffer | string,
  secret: string,
  context: { readonly url?: string; readonly messageId?: string; readonly nowMs?: number; readonly options?: Record<string, unknown> } = {},
): Record<string, string> {
  const scheme = getScheme(schemeName);
  if (scheme === undefined) throw new Error(`unknown scheme ${schemeName}`);
  const parsed = scheme.parseOptions(context.options ?? {});
  if (!parsed.ok) throw new Error(parsed.message);
  return scheme.sign(Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8'), secret, parsed.options, {
    url: context.url ?? 'http://127.0.0.1/',
    messageId: context.messageId ?? `msg_${randomBytes(6).toString('hex')}`,
    nowMs: context.nowMs ?? Date.now(),
  });
}

/** POSTs a body over a real socket to `path` on the server. */
export function post(sb: TestSwitchboard, path: string, body: Buffer | string | undefined, headers: Record<string, string>): Promise<Response> {
  return fetch(`${sb.url}${path}`, { method: 'POST', headers, ...(body === undefined ? {} : { body }) });
}

interface EventView {
  readonly id: string;
  readonly source: string;
  readonly type: string;
  readonly datacontenttype: string;
  readonly data?: unknown;
  readonly data_base64?: string;
  /** Extension attributes (clientip, idempotencykey, kept provider headers) sit at the top level. */
  readonly [extension: string]: unknown;
}

async function getJson<T>(sb: TestSwitchboard, path: string): Promise<T> {
  const response = await fetch(`${sb.url}${path}`, { headers: sb.auth });
  expect(response.status, path).toBe(200);
  return (await response.json()) as T;
}

/** How many events the whole store holds (the tests stay far below one page of 500). */
export async function countEvents(sb: TestSwitchboard): Promise<number> {
  const { events } = await getJson<{ events: EventView[] }>(sb, '/api/v1/events?limit=500');
  return events.length;
}

export function getEvent(sb: TestSwitchboard, eventId: string): Promise<EventView> {
  return getJson<EventView>(sb, `/api/v1/events/${encodeURIComponent(eventId)}`);
}

export interface RequestLogRow {
  readonly request_id: string;
  readonly client_ip: string;
  readonly outcome: string;
  readonly reason: string | null;
  readonly status: number;
  readonly event_id: string | null;
  readonly headers: Record<string, string>;
}

export async function listLogs(sb: TestSwitchboard, endpointId: string): Promise<RequestLogRow[]> {
  const { logs } = await getJson<{ logs: RequestLogRow[] }>(sb, `/integration/webhooks/${encodeURIComponent(endpointId)}/logs?limit=500`);
  return logs;
}

export interface EndpointStatus {
  readonly active: boolean;
  readonly counts: { accepted: number; duplicate: number; ignored: number; rejected: number; total: number };
  readonly rejected_by_reason: Record<string, number>;
}

export function getStatus(sb: TestSwitchboard, endpointId: string): Promise<EndpointStatus> {
  return getJson<EndpointStatus>(sb, `/integration/webhooks/${encodeURIComponent(endpointId)}/status`);
}

/**
 * The log row of one request, found by its request id. Refusals decided before the body is read
 * are logged once the response has been sent, so this polls for a short while.
 */
export async function waitForLog(sb: TestSwitchboard, endpointId: string, requestId: string): Promise<RequestLogRow> {
  const deadline = Date.now() + 3000;
  for (;;) {
    const row = (await listLogs(sb, endpointId)).find((log) => log.request_id === requestId);
    if (row !== undefined) return row;
    if (Date.now() > deadline) throw new Error(`no log row for request ${requestId} on ${endpointId}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Reads the `{"error": {"code", "message"}}` body and checks its exact shape. */
export async function expectErrorBody(response: Response, status: number, code: string): Promise<string> {
  const text = await response.text();
  expect({ status: response.status, body: text }).toMatchObject({ status });
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  const body = JSON.parse(text) as { error: { code: string; message: string } };
  expect(body).toEqual({ error: { code, message: expect.any(String) } });
  expect(body.error.message.length).toBeGreaterThan(0);
  return body.error.message;
}

/**
 * Sends one request that must be refused: checks the status and error body, that no event was
 * stored, and (when the refusal belongs to an endpoint) that the request log and the status
 * counters record it with its reason.
 */
export async function expectRefused(
  sb: TestSwitchboard,
  expected: { readonly status: number; readonly code: string; readonly endpointId?: string },
  send: () => Promise<Response>,
): Promise<{ response: Response; message: string; log?: RequestLogRow }> {
  const eventsBefore = await countEvents(sb);
  const rejectedBefore = expected.endpointId === undefined ? 0 : ((await getStatus(sb, expected.endpointId)).rejected_by_reason[expected.code] ?? 0);
  const response = await send();
  const message = await expectErrorBody(response, expected.status, expected.code);
  expect(await countEvents(sb)).toBe(eventsBefore);
  if (expected.endpointId === undefined) return { response, message };
  const requestId = response.headers.get('x-request-id');
  expect(requestId).toBeTruthy();
  const log = await waitForLog(sb, expected.endpointId, requestId as string);
  expect(log).toMatchObject({ outcome: 'rejected', reason: expected.code, status: expected.status, event_id: null });
  expect((await getStatus(sb, expected.endpointId)).rejected_by_reason[expected.code]).toBe(rejectedBefore + 1);
  return { response, message, log };
}

/** `GET /health` answers 200: the server is still up. */
export async function expectHealthy(sb: TestSwitchboard): Promise<void> {
  const response = await fetch(`${sb.url}/health`);
  expect(response.status).toBe(200);
  await response.arrayBuffer();
}
