import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { pino } from 'pino';
import { Value } from 'typebox/value';
import type { Dispatcher } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import type { ChannelTarget, OutboundMessage, SendContext, SendOutcome } from '../../../src/delivery/channels/channel.js';
import { createWebhookChannel, type WebhookDestination } from '../../../src/delivery/channels/webhook-channel.js';
import { createOutboundDispatcher } from '../../../src/delivery/outbound/create-outbound-dispatcher.js';
import type { UserProfile } from '../../../src/delivery/user-profile.js';
import type { DeliveryConfig } from '../../../src/config/delivery-config-schema.js';
import { startWebhookReceiver, type WebhookReceiver, type WebhookReceiverOptions } from '../support/webhook-receiver.js';

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const SETTINGS: DeliveryConfig['webhook'] = { timeout_ms: 10_000, format: 'standard-webhooks', connections_per_origin: 4 };
const CREATED_AT_MS = Date.UTC(2025, 10, 26, 10, 30, 0);
const logger = pino({ level: 'silent' });

const opened: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  for (const resource of opened.splice(0).reverse()) await resource.close();
});

async function receiver(options: WebhookReceiverOptions = {}): Promise<WebhookReceiver> {
  const started = await startWebhookReceiver(options);
  opened.push(started);
  return started;
}

function setup(options: { allowPrivateNetworks?: boolean; settings?: Partial<DeliveryConfig['webhook']> } = {}) {
  const dispatcher: Dispatcher = createOutboundDispatcher({ allowPrivateNetworks: options.allowPrivateNetworks ?? true, connectionsPerOrigin: 4 });
  opened.push(dispatcher);
  const channel = createWebhookChannel({ settings: { ...SETTINGS, ...options.settings }, dispatcher });
  opened.push(channel);
  return channel;
}

const profile = (webhookUrl: string | null): UserProfile => ({
  user_id: 'user-1',
  email: null,
  phone: null,
  slack_user_id: null,
  timezone: null,
  webhook_url: webhookUrl,
});

const target = (config: Record<string, unknown>, userProfile?: UserProfile): ChannelTarget => ({ userId: 'user-1', config, profile: userProfile });

const message = (overrides: Partial<OutboundMessage> = {}): OutboundMessage => ({
  deliveryId: 'dlv_01JDQ8X6K8Z3',
  notificationId: 'ntf_01JDQ8X6K8Z3',
  userId: 'user-1',
  subject: 'Disk almost full',
  body: 'db-1 is at 91% disk',
  data: { host: 'db-1', percent: 91 },
  createdAtMs: CREATED_AT_MS,
  attempt: 1,
  ...overrides,
});

const context = (overrides: Partial<SendContext> = {}): SendContext => ({ signal: new AbortController().signal, nowMs: Date.now(), logger, ...overrides });

function destinationOf(channel: ReturnType<typeof setup>, config: Record<string, unknown>, userProfile?: UserProfile): WebhookDestination {
  const resolved = channel.resolveDestination(target(config, userProfile));
  if (!resolved.ok) throw new Error(`destination did not resolve: ${resolved.message}`);
  return resolved.destination;
}

/** A port on 127.0.0.1 that nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('webhook channel: contract', () => {
  it('is the WEBHOOK channel with a secret key, healthy without system settings', async () => {
    const channel = setup();
    expect(channel.type).toBe('WEBHOOK');
    expect(channel.secretKeys).toEqual(['secret']);
    await expect(channel.checkHealth(AbortSignal.timeout(1_000))).resolves.toEqual({ configured: true, healthy: true });
  });

  it('validates user config with its schema', () => {
    const { configSchema } = setup();
    expect(Value.Check(configSchema, {})).toBe(true);
    expect(Value.Check(configSchema, { url: 'https://hooks.example.com/x', secret: SECRET, format: 'cloudevents', timeout_ms: 60_000 })).toBe(true);
    expect(Value.Check(configSchema, { secret: 'whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD' })).toBe(true);
    for (const bad of [
      { secret: 'MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' },
      { secret: 'whsec_not base64!!' },
      { secret: 'whsec_abc' },
      { url: 'ftp://files.example.com/' },
      { format: 'xml' },
      { timeout_ms: 60_001 },
      { timeout_ms: 0 },
      { timeout_ms: 1.5 },
      { headers: { authorization: 'x' } },
    ]) {
      expect(Value.Check(configSchema, bad), JSON.stringify(bad)).toBe(false);
    }
  });

  it('resolves the URL from the config first, then the profile', () => {
    const channel = setup();
    const fromConfig = channel.resolveDestination(target({ url: 'https://hooks.example.com/in/abc?tenant=7#frag' }, profile('https://profile.example.com/')));
    expect(fromConfig.ok && JSON.parse(JSON.stringify(fromConfig.destination))).toEqual({
      origin: 'https://hooks.example.com',
      path: '[redacted]',
      format: 'standard-webhooks',
      timeoutMs: 10_000,
    });
    expect(fromConfig.ok && fromConfig.destination.path.reveal()).toBe('/in/abc?tenant=7');
    const fromProfile = destinationOf(channel, {}, profile('http://profile.example.com:8080/hook'));
    expect(fromProfile.origin).toBe('http://profile.example.com:8080');
    expect(fromProfile.path.reveal()).toBe('/hook');
  });

  it('has no address without a URL, and an invalid one for a non-http URL', () => {
    const channel = setup();
    expect(channel.resolveDestination(target({}))).toMatchObject({ ok: false, code: 'no_address' });
    expect(channel.resolveDestination(target({}, profile(null)))).toMatchObject({ ok: false, code: 'no_address' });
    expect(channel.resolveDestination(target({}, profile('')))).toMatchObject({ ok: false, code: 'no_address' });
    // A value of the wrong type reads as absent (defaults come from the config file, unchecked by the user schema).
    expect(channel.resolveDestination(target({ url: 42 }))).toMatchObject({ ok: false, code: 'no_address' });
    for (const url of ['ftp://files.example.com/', 'not a url', 'https://user:pw@hooks.example.com/']) {
      expect(channel.resolveDestination(target({ url })), String(url)).toMatchObject({ ok: false, code: 'address_invalid' });
    }
    expect(channel.resolveDestination(target({}, profile('mailto:ops@example.com')))).toMatchObject({ ok: false, code: 'address_invalid' });
  });

  it('takes format and timeout from the config, else from the settings', () => {
    const channel = setup({ settings: { format: 'cloudevents', timeout_ms: 3_000 } });
    expect(destinationOf(channel, { url: 'https://a.example/' })).toMatchObject({ format: 'cloudevents', timeoutMs: 3_000 });
    expect(destinationOf(channel, { url: 'https://a.example/', format: 'standard-webhooks', timeout_ms: 250 })).toMatchObject({
      format: 'standard-webhooks',
      timeoutMs: 250,
    });
  });

  it('keeps the secret and the path out of anything that serialises or inspects the destination', () => {
    const destination = destinationOf(setup(), { url: 'https://a.example/hooks/tok_path_secret', secret: SECRET });
    expect(destination.secret?.reveal()).toBe(SECRET);
    for (const rendered of [JSON.stringify(destination), inspect(destination, { depth: 5 }), JSON.stringify({ ...destination })]) {
      expect(rendered).not.toContain('whsec_');
      expect(rendered).not.toContain('tok_path_secret');
    }
    expect(destinationOf(setup(), { url: 'https://a.example/' }).secret).toBeUndefined();
  });

  it('breaks per origin: scheme, host and port, not the path', () => {
    const channel = setup();
    expect(channel.breakerKey(destinationOf(channel, { url: 'https://Hooks.Example.com:443/a/b?c=d' }))).toBe('webhook:https://hooks.example.com');
    expect(channel.breakerKey(destinationOf(channel, { url: 'http://hooks.example.com:8080/x' }))).toBe('webhook:http://hooks.example.com:8080');
  });
});

describe('webhook channel: Standard Webhooks over real HTTP', () => {
  it('POSTs a body the official standardwebhooks library verifies, with the delivery id as webhook-id', async () => {
    const hook = await receiver({ secret: SECRET });
    const channel = setup();
    const nowMs = Date.now();
    const outcome = await channel.send(message(), destinationOf(channel, { url: `${hook.url}/hooks/in?src=sb`, secret: SECRET }), context({ nowMs }));

    expect(outcome).toEqual({ kind: 'sent', statusCode: 200 });
    expect(hook.received).toHaveLength(1);
    const [request] = hook.received;
    expect(request?.verified, request?.verificationError).toBe(true);
    expect(request?.method).toBe('POST');
    expect(request?.path).toBe('/hooks/in?src=sb');
    expect(request?.headers).toMatchObject({
      'content-type': 'application/json',
      'user-agent': 'Switchboard-Webhooks/1.0',
      'webhook-id': 'dlv_01JDQ8X6K8Z3',
      'webhook-timestamp': String(Math.floor(nowMs / 1000)),
    });
    expect(request?.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    // Exactly this text, in this key order.
    expect(request?.rawBody.toString('utf8')).toBe(
      JSON.stringify({
        type: 'notification',
        timestamp: new Date(nowMs).toISOString(),
        data: {
          delivery_id: 'dlv_01JDQ8X6K8Z3',
          notification_id: 'ntf_01JDQ8X6K8Z3',
          user_id: 'user-1',
          subject: 'Disk almost full',
          body: 'db-1 is at 91% disk',
          data: { host: 'db-1', percent: 91 },
          created_at: '2025-11-26T10:30:00.000Z',
        },
      }),
    );
  });

  it('leaves subject and data out when the message has none', async () => {
    const hook = await receiver({ secret: SECRET });
    const channel = setup();
    await channel.send(message({ subject: undefined, data: undefined }), destinationOf(channel, { url: hook.url, secret: SECRET }), context());
    const data = (hook.received[0]?.json as { data: Record<string, unknown> }).data;
    expect(Object.keys(data)).toEqual(['delivery_id', 'notification_id', 'user_id', 'body', 'created_at']);
    expect(hook.received[0]?.verified).toBe(true);
  });

  it('without a secret sends unsigned, still with webhook-id and webhook-timestamp', async () => {
    const hook = await receiver({ secret: SECRET });
    const channel = setup();
    const nowMs = Date.now();
    expect(await channel.send(message(), destinationOf(channel, { url: hook.url }), context({ nowMs }))).toEqual({ kind: 'sent', statusCode: 200 });
    const headers = hook.received[0]?.headers;
    expect(headers?.['webhook-id']).toBe('dlv_01JDQ8X6K8Z3');
    expect(headers?.['webhook-timestamp']).toBe(String(Math.floor(nowMs / 1000)));
    expect(headers?.['webhook-signature']).toBeUndefined();
    expect(hook.received[0]?.verified).toBe(false);
  });

  it('a receiver with another secret refuses the signature', async () => {
    const hook = await receiver({ secret: 'whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD' });
    const channel = setup();
    await channel.send(message(), destinationOf(channel, { url: hook.url, secret: SECRET }), context());
    expect(hook.received[0]?.verified).toBe(false);
  });

  it('fails twice with 500 then succeeds, every attempt with the same webhook-id and a valid signature', async () => {
    const hook = await receiver({ secret: SECRET });
    hook.failNext(2, 500);
    const channel = setup();
    const destination = destinationOf(channel, { url: `${hook.url}/hook`, secret: SECRET });
    const outcomes: SendOutcome[] = [];
    for (const attempt of [1, 2, 3]) outcomes.push(await channel.send(message({ attempt }), destination, context()));

    expect(outcomes.map((outcome) => (outcome.kind === 'sent' ? 'sent' : `${outcome.code}:${outcome.retryable}`))).toEqual([
      'http_500:true',
      'http_500:true',
      'sent',
    ]);
    expect(outcomes[0]).toMatchObject({ statusCode: 500, message: 'HTTP 500 retryable error: programmed failure 500' });
    expect(hook.received.map((request) => request.headers['webhook-id'])).toEqual(['dlv_01JDQ8X6K8Z3', 'dlv_01JDQ8X6K8Z3', 'dlv_01JDQ8X6K8Z3']);
    expect(hook.received.map((request) => request.verified)).toEqual([true, true, true]);
    expect(hook.received.map((request) => request.answer)).toEqual([500, 500, 200]);
    for (const outcome of outcomes) expect(JSON.stringify(outcome)).not.toContain('whsec_');
  });

  it('keeps about 2 KB of an error body and drains the rest, so connections are reused', async () => {
    const hook = await receiver();
    hook.program({ status: 503, body: `overloaded ${'x'.repeat(20_000)}` }, { times: 6 });
    const channel = setup();
    const destination = destinationOf(channel, { url: hook.url });
    for (let attempt = 1; attempt <= 6; attempt += 1) {
      const outcome = await channel.send(message({ attempt }), destination, context());
      expect(outcome).toMatchObject({ kind: 'failed', code: 'http_503', retryable: true });
      if (outcome.kind === 'failed') {
        expect(outcome.message.startsWith('HTTP 503 retryable error: overloaded xxx')).toBe(true);
        expect(outcome.message.length).toBeLessThanOrEqual(2_100);
      }
    }
    expect(await channel.send(message(), destination, context())).toMatchObject({ kind: 'sent' });
    expect(hook.count).toBe(7);
    // undici may open a second connection while the first is being released; never one per request.
    expect(hook.connections).toBeLessThanOrEqual(2);
  });

  it('times out a receiver that never answers: retryable `timeout`', async () => {
    const hook = await receiver();
    hook.program({ hang: true });
    const channel = setup();
    const started = Date.now();
    const outcome = await channel.send(message(), destinationOf(channel, { url: hook.url, timeout_ms: 200 }), context());
    expect(outcome).toEqual({ kind: 'failed', retryable: true, code: 'timeout', message: 'no answer within 200 ms' });
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(hook.received[0]?.answer).toBe('hang');
  });

  it('applies the settings timeout when the config names none', async () => {
    const hook = await receiver();
    hook.program({ status: 200, delayMs: 1_000 });
    const channel = setup({ settings: { timeout_ms: 150 } });
    expect(await channel.send(message(), destinationOf(channel, { url: hook.url }), context())).toMatchObject({ kind: 'failed', code: 'timeout' });
  });

  it('answers a delayed 200 within the timeout as sent', async () => {
    const hook = await receiver();
    hook.program({ status: 202, delayMs: 50 });
    const channel = setup();
    expect(await channel.send(message(), destinationOf(channel, { url: hook.url, timeout_ms: 2_000 }), context())).toEqual({
      kind: 'sent',
      statusCode: 202,
    });
  });

  it('stops when the context signal aborts: retryable `aborted`', async () => {
    const hook = await receiver();
    hook.program({ hang: true });
    const channel = setup();
    const stop = new AbortController();
    setTimeout(() => stop.abort(), 50);
    const outcome = await channel.send(message(), destinationOf(channel, { url: hook.url }), context({ signal: stop.signal }));
    expect(outcome).toMatchObject({ kind: 'failed', retryable: true, code: 'aborted' });
  });

  it('429 with Retry-After in seconds: retryable, with retryAfterMs', async () => {
    const hook = await receiver();
    hook.program({ status: 429, headers: { 'retry-after': '7' }, body: 'slow down' }, { times: 1 });
    const channel = setup();
    expect(await channel.send(message(), destinationOf(channel, { url: hook.url }), context())).toEqual({
      kind: 'failed',
      retryable: true,
      code: 'http_429',
      message: 'HTTP 429 retryable error: slow down',
      statusCode: 429,
      retryAfterMs: 7_000,
    });
  });

  it('429 with Retry-After as an HTTP date: the wait from the attempt time', async () => {
    const hook = await receiver();
    const nowMs = Math.floor(Date.now() / 1000) * 1000;
    hook.program({ status: 429, headers: { 'retry-after': new Date(nowMs + 30_000).toUTCString() } });
    const channel = setup();
    expect(await channel.send(message(), destinationOf(channel, { url: hook.url }), context({ nowMs }))).toMatchObject({
      kind: 'failed',
      retryable: true,
      code: 'http_429',
      retryAfterMs: 30_000,
    });
  });

  it('429 without Retry-After: retryable, no retryAfterMs', async () => {
    const hook = await receiver();
    hook.program({ status: 429 });
    const channel = setup();
    const outcome = await channel.send(message(), destinationOf(channel, { url: hook.url }), context());
    expect(outcome).toMatchObject({ kind: 'failed', retryable: true, code: 'http_429' });
    expect(outcome).not.toHaveProperty('retryAfterMs');
  });

  it('410 Gone: permanent, and disables the channel', async () => {
    const hook = await receiver();
    hook.program({ status: 410, body: 'endpoint deleted' }, { path: '/gone' });
    const channel = setup();
    expect(await channel.send(message(), destinationOf(channel, { url: `${hook.url}/gone` }), context())).toEqual({
      kind: 'failed',
      retryable: false,
      code: 'http_410',
      message: 'HTTP 410 permanent error: endpoint deleted',
      statusCode: 410,
      disableChannel: true,
    });
    // The rule was for /gone only.
    expect(await channel.send(message(), destinationOf(channel, { url: `${hook.url}/other` }), context())).toMatchObject({ kind: 'sent' });
  });

  it.each([[400], [401], [404], [422]])('%i: permanent', async (status) => {
    const hook = await receiver();
    hook.program({ status });
    const channel = setup();
    expect(await channel.send(message(), destinationOf(channel, { url: hook.url }), context())).toMatchObject({
      kind: 'failed',
      retryable: false,
      code: `http_${status}`,
    });
  });

  it.each([[408], [500], [502], [504]])('%i: retryable', async (status) => {
    const hook = await receiver();
    hook.program({ status });
    const channel = setup();
    expect(await channel.send(message(), destinationOf(channel, { url: hook.url }), context())).toMatchObject({
      kind: 'failed',
      retryable: true,
      code: `http_${status}`,
    });
  });

  it.each([[301], [302], [307], [308]])('%i redirect: not followed, permanent', async (status) => {
    const hook = await receiver();
    hook.program({ status, headers: { location: `${hook.url}/elsewhere` } }, { path: '/hook' });
    const channel = setup();
    const outcome = await channel.send(message(), destinationOf(channel, { url: `${hook.url}/hook` }), context());
    expect(outcome).toMatchObject({ kind: 'failed', retryable: false, code: `http_${status}`, statusCode: status });
    expect(outcome.kind === 'failed' && outcome.message).toContain('redirect (not followed)');
    expect(hook.received.map((request) => request.path)).toEqual(['/hook']);
  });

  it('a closed port: retryable `connection_failed`', async () => {
    const port = await closedPort();
    const channel = setup();
    const outcome = await channel.send(message(), destinationOf(channel, { url: `http://127.0.0.1:${port}/hook/tok_path_secret`, secret: SECRET }), context());
    expect(outcome).toMatchObject({ kind: 'failed', retryable: true, code: 'connection_failed' });
    if (outcome.kind === 'failed') {
      expect(outcome.message).toContain('ECONNREFUSED');
      expect(outcome.message).not.toContain('tok_path_secret');
    }
    expect(JSON.stringify(outcome)).not.toContain('whsec_');
  });

  it('the receiver closing the connection without an answer: retryable `connection_failed`', async () => {
    const server = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    opened.push({ close: () => new Promise<void>((resolve) => server.close(() => resolve())) });
    const { port } = server.address() as AddressInfo;
    const channel = setup();
    expect(await channel.send(message(), destinationOf(channel, { url: `http://127.0.0.1:${port}/` }), context())).toMatchObject({
      kind: 'failed',
      retryable: true,
      code: 'connection_failed',
    });
  });
});

describe('webhook channel: CloudEvents', () => {
  it('sends a structured CloudEvent, signed with the Standard Webhooks headers', async () => {
    const hook = await receiver({ secret: SECRET });
    const channel = setup();
    const outcome = await channel.send(message(), destinationOf(channel, { url: hook.url, secret: SECRET, format: 'cloudevents' }), context());
    expect(outcome).toEqual({ kind: 'sent', statusCode: 200 });
    const [request] = hook.received;
    expect(request?.headers['content-type']).toBe('application/cloudevents+json; charset=utf-8');
    expect(request?.headers['webhook-id']).toBe('dlv_01JDQ8X6K8Z3');
    expect(request?.verified, request?.verificationError).toBe(true);
    expect(request?.rawBody.toString('utf8')).toBe(
      JSON.stringify({
        specversion: '1.0',
        id: 'dlv_01JDQ8X6K8Z3',
        source: 'switchboard',
        type: 'switchboard.notification',
        time: '2025-11-26T10:30:00.000Z',
        subject: 'user-1',
        datacontenttype: 'application/json',
        data: {
          delivery_id: 'dlv_01JDQ8X6K8Z3',
          notification_id: 'ntf_01JDQ8X6K8Z3',
          user_id: 'user-1',
          subject: 'Disk almost full',
          body: 'db-1 is at 91% disk',
          data: { host: 'db-1', percent: 91 },
          created_at: '2025-11-26T10:30:00.000Z',
        },
      }),
    );
  });

  it('is the format when the settings say so and the config names none; unsigned without a secret', async () => {
    const hook = await receiver();
    const channel = setup({ settings: { format: 'cloudevents' } });
    await channel.send(message(), destinationOf(channel, { url: hook.url }), context());
    expect(hook.received[0]?.headers['content-type']).toBe('application/cloudevents+json; charset=utf-8');
    expect(hook.received[0]?.headers['webhook-signature']).toBeUndefined();
    expect(hook.received[0]?.json).toMatchObject({ specversion: '1.0', id: 'dlv_01JDQ8X6K8Z3' });
  });
});

describe('webhook channel: the outbound guard', () => {
  it('refuses a private address before sending a byte: permanent `address_not_allowed`, naming the host only', async () => {
    const hook = await receiver({ secret: SECRET });
    const channel = setup({ allowPrivateNetworks: false });
    const outcome = await channel.send(message(), destinationOf(channel, { url: `${hook.url}/hook/tok_path_secret`, secret: SECRET }), context());
    expect(outcome).toMatchObject({ kind: 'failed', retryable: false, code: 'address_not_allowed' });
    if (outcome.kind === 'failed') {
      expect(outcome.message).toContain('127.0.0.1');
      expect(outcome.message).not.toContain('tok_path_secret');
    }
    expect(JSON.stringify(outcome)).not.toContain('whsec_');
    expect(hook.connections).toBe(0);
    expect(hook.received).toEqual([]);
  });

  it('refuses localhost by what it resolves to', async () => {
    const hook = await receiver();
    const channel = setup({ allowPrivateNetworks: false });
    const outcome = await channel.send(message(), destinationOf(channel, { url: `http://localhost:${hook.port}/` }), context());
    expect(outcome).toMatchObject({ kind: 'failed', retryable: false, code: 'address_not_allowed' });
    expect(outcome.kind === 'failed' && outcome.message).toContain('localhost');
    expect(hook.connections).toBe(0);
  });
});
