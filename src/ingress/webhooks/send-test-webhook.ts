import { randomUUID } from 'node:crypto';
import type { ResolvedEndpoint } from './endpoint-directory.js';
import { redactHeaders } from './redact-headers.js';

/** Sends one HTTP request to Switchboard's own receive path and returns the answer. */
export type SelfRequest = (request: {
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body: Buffer;
}) => Promise<{ readonly status: number; readonly body: string; readonly url: string }>;

export interface TestWebhookReport {
  readonly endpoint_id: string;
  readonly outcome: 'accepted' | 'duplicate' | 'ignored' | 'rejected' | 'cannot_sign';
  readonly status: number | null;
  readonly response: unknown;
  readonly request: { readonly url: string | null; readonly headers: Record<string, string>; readonly body: unknown };
  readonly message: string;
}

/**
 * Signs a sample with the endpoint's own scheme and current secret and sends it through the real
 * receive path over HTTP, so the operator sees exactly what a provider would get back.
 */
export async function sendTestWebhook(
  resolved: ResolvedEndpoint,
  send: SelfRequest,
  baseUrl: string,
  options: { readonly apiKey?: string | undefined; readonly payload?: unknown },
  nowMs: number,
): Promise<TestWebhookReport> {
  const { endpoint, scheme } = resolved;
  const path = `/integration/webhooks/${endpoint.endpointId}`;
  const sampleType = endpoint.events.find((e) => !e.includes('*')) ?? 'switchboard.test';
  const payload = options.payload ?? {
    id: `test_${randomUUID()}`,
    type: sampleType,
    created_at: new Date(nowMs).toISOString(),
    data: { message: 'Test webhook sent by Switchboard' },
  };
  // Providers that post forms (Twilio) get a form sample: its top-level fields, as strings.
  const asForm = scheme.sampleContentType === 'application/x-www-form-urlencoded';
  const formParams = asForm ? formFields(payload) : undefined;
  const body = Buffer.from(formParams === undefined ? JSON.stringify(payload) : new URLSearchParams(formParams).toString(), 'utf8');
  const headers: Record<string, string> = { 'content-type': asForm ? 'application/x-www-form-urlencoded' : 'application/json' };
  const needsApiKey = endpoint.apiKeyHash !== null;
  if (needsApiKey && options.apiKey === undefined) {
    return {
      endpoint_id: endpoint.endpointId,
      outcome: 'cannot_sign',
      status: null,
      response: null,
      request: { url: null, headers: {}, body: payload },
      message: 'This endpoint requires an API key, which is stored only as a hash: pass it as "api_key" in the test request.',
    };
  }
  if (needsApiKey && scheme.name !== 'api-key') headers['x-api-key'] = options.apiKey as string;
  const currentSecret = resolved.secrets.find((s) => s.expiresAt === null || s.expiresAt > nowMs)?.value;
  const signingSecret = scheme.name === 'api-key' ? options.apiKey : currentSecret;
  if (scheme.usesSecret && signingSecret === undefined) {
    return {
      endpoint_id: endpoint.endpointId,
      outcome: 'cannot_sign',
      status: null,
      response: null,
      request: { url: null, headers: {}, body: payload },
      message: 'The endpoint has no valid secret to sign with.',
    };
  }
  Object.assign(
    headers,
    scheme.sign(body, signingSecret ?? '', resolved.schemeOptions, { url: `${baseUrl}${path}`, messageId: `msg_${randomUUID()}`, nowMs, formParams }),
  );
  const answer = await send({ path, headers, body });
  let response: unknown = answer.body;
  try {
    response = JSON.parse(answer.body);
  } catch {
    // keep the raw text
  }
  const outcome = outcomeOf(answer.status, response);
  return {
    endpoint_id: endpoint.endpointId,
    outcome,
    status: answer.status,
    response,
    request: { url: answer.url, headers: redactHeaders(headers), body: formParams ?? payload },
    message: outcome === 'rejected' ? 'The receive path refused the signed sample; see response.error.' : `The receive path answered ${answer.status}.`,
  };
}

function formFields(payload: unknown): Record<string, string> {
  const fields: Record<string, string> = {};
  if (payload === null || typeof payload !== 'object') return { payload: JSON.stringify(payload) };
  for (const [name, value] of Object.entries(payload)) fields[name] = typeof value === 'string' ? value : JSON.stringify(value);
  return fields;
}

function outcomeOf(status: number, response: unknown): TestWebhookReport['outcome'] {
  if (status >= 300) return 'rejected';
  const reported = (response as { status?: unknown } | null)?.status;
  if (reported === 'duplicate' || reported === 'ignored') return reported;
  return 'accepted';
}
