import { expect } from 'vitest';
import type { TestSwitchboard } from '../../support/test-switchboard.js';

export interface ApiResponse {
  readonly status: number;
  readonly body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- test assertions read arbitrary JSON
}

/** Calls the management API of a listening test server over a real socket, with the admin key. */
export function deliveryApi(sb: TestSwitchboard) {
  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiResponse> => {
    const response = await fetch(`${sb.url}${path}`, {
      method,
      headers: { ...sb.auth, ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: text === '' ? undefined : (JSON.parse(text) as unknown) };
  };
  return {
    call,
    /** Creates or replaces a user's override; expects 200 or 201. */
    async override(userId: string, body: Record<string, unknown>): Promise<ApiResponse> {
      const response = await call('POST', `/api/v1/users/${encodeURIComponent(userId)}/integrations`, body);
      expect([200, 201], JSON.stringify(response.body)).toContain(response.status);
      return response;
    },
    /** Posts a notification; expects 202 (or 200 for a duplicate). */
    async notify(body: Record<string, unknown>, headers: Record<string, string> = {}): Promise<ApiResponse> {
      const response = await call('POST', '/api/v1/notifications', body, headers);
      expect([200, 202], JSON.stringify(response.body)).toContain(response.status);
      return response;
    },
    async delivery(id: string): Promise<any> { // eslint-disable-line @typescript-eslint/no-explicit-any
      const response = await call('GET', `/api/v1/deliveries/${id}`);
      expect(response.status).toBe(200);
      return response.body;
    },
    /** Polls a delivery until `done` holds (default: a final status); fails after `timeoutMs`. */
    async deliveryWhen(id: string, done: (delivery: any) => boolean = (d) => ['SUCCESS', 'FAILED', 'EXPIRED'].includes(d.status), timeoutMs = 10_000): Promise<any> { // eslint-disable-line @typescript-eslint/no-explicit-any
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const delivery = await this.delivery(id);
        if (done(delivery)) return delivery;
        if (Date.now() > deadline) throw new Error(`delivery ${id} did not reach the expected state: ${JSON.stringify(delivery)}`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    },
  };
}

/** Waits until `check` returns a value other than undefined; fails after `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 10_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
