import type { VerificationRequest } from '../../src/ingress/verify/verification-scheme.js';

export interface RequestInit {
  readonly body: string | Buffer;
  readonly headers?: Readonly<Record<string, string | undefined>>;
  readonly url?: string;
  readonly contentType?: string;
}

/** A request as the server hands it to a scheme: raw bytes and lower-case header names. */
export function makeRequest(init: RequestInit): VerificationRequest {
  const headers: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(init.headers ?? {})) headers[name.toLowerCase()] = value;
  return {
    rawBody: Buffer.isBuffer(init.body) ? init.body : Buffer.from(init.body, 'utf8'),
    headers,
    url: init.url ?? 'https://hooks.example.com/webhooks/ep_1',
    contentType: init.contentType ?? 'application/json',
  };
}
