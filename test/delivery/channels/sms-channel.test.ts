import { Value } from 'typebox/value';
import { Agent } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeliveryConfig } from '../../../src/config/delivery-config-schema.js';
import type { Channel } from '../../../src/delivery/channels/channel.js';
import { createSmsChannel } from '../../../src/delivery/channels/sms-channel.js';
import type { SmsDestination } from '../../../src/delivery/channels/sms-destination.js';
import { channelTarget, outboundMessage, sendContext, userProfile } from '../support/channel-fixtures.js';
import { closedPort } from '../support/closed-port.js';
import { openHandleBaseline } from '../support/open-handles.js';
import { startTwilioApiServer, type TwilioApiServer } from '../support/twilio-api-server.js';

const to = '+14155550100';

describe('SMS channel (Twilio)', () => {
  let twilio: TwilioApiServer;
  let dispatcher: Agent;
  const opened: Array<{ close(): Promise<void> }> = [];

  let handles: ReturnType<typeof openHandleBaseline>;

  beforeEach(async () => {
    handles = openHandleBaseline();
    twilio = await startTwilioApiServer();
    dispatcher = new Agent();
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((resource) => resource.close()));
    await Promise.all([twilio.close(), dispatcher.close()]);
    await handles.expectNoneLeft();
  });

  function settings(overrides: Partial<DeliveryConfig['sms']> = {}): DeliveryConfig['sms'] {
    return {
      account_sid: twilio.accountSid,
      auth_token: twilio.authToken,
      from_number: '+15005550006',
      base_url: twilio.url,
      max_message_length: 1_600,
      timeout_ms: 2_000,
      ...overrides,
    };
  }

  function channel(overrides: Partial<DeliveryConfig['sms']> = {}): Channel<SmsDestination> {
    const created = createSmsChannel({ settings: settings(overrides), dispatcher });
    opened.push(created);
    return created;
  }

  const destination: SmsDestination = { to, includeAgentInfo: false };

  it('posts the subject and body form-encoded with HTTP Basic auth and answers the SID', async () => {
    const outcome = await channel().send(outboundMessage(), destination, sendContext());

    expect(outcome).toEqual({ kind: 'sent', statusCode: 201, providerMessageId: twilio.messages[0]?.sid });
    expect(twilio.messages[0]?.sid).toMatch(/^SM[0-9a-f]{32}$/);
    const [request] = twilio.received;
    expect(request).toMatchObject({ method: 'POST', path: `/2010-04-01/Accounts/${twilio.accountSid}/Messages.json` });
    expect(request?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(request?.headers.authorization).toBe(`Basic ${Buffer.from(`${twilio.accountSid}:${twilio.authToken}`).toString('base64')}`);
    expect(request?.body).toEqual({
      To: to,
      From: '+15005550006',
      Body: 'Database connection pool exhausted\n\nAPI Gateway and User Service are failing.\nConnections: 100 of 100.',
    });
    expect(twilio.messages[0]).toMatchObject({ status: 'queued', to, from: '+15005550006', num_segments: '1' });
  });

  it('sends through a messaging service when one is set', async () => {
    const outcome = await channel({ from_number: undefined, messaging_service_sid: 'MG00000000000000000000000000000001' }).send(outboundMessage(), destination, sendContext());
    expect(outcome.kind).toBe('sent');
    expect(twilio.received[0]?.body).toMatchObject({ MessagingServiceSid: 'MG00000000000000000000000000000001' });
    expect(twilio.received[0]?.body).not.toHaveProperty('From');
  });

  it('sends the body alone without a subject, and the agent line when configured', async () => {
    const sms = channel();
    await sms.send(outboundMessage({ subject: undefined, data: { agent_name: 'triage' } }), { to, includeAgentInfo: true }, sendContext());
    expect((twilio.received[0]?.body as { Body: string }).Body).toBe('API Gateway and User Service are failing.\nConnections: 100 of 100.\n\nAgent: triage');
  });

  it('splits a long text at word boundaries into one message per part, in order', async () => {
    const words = Array.from({ length: 60 }, (_, index) => `w${index}`);
    const outcome = await channel({ max_message_length: 70 }).send(outboundMessage({ subject: undefined, body: words.join(' ') }), destination, sendContext());

    const bodies = twilio.received.map((request) => (request.body as { Body: string }).Body);
    expect(bodies.length).toBeGreaterThan(2);
    expect(bodies.every((body) => body.length <= 70)).toBe(true);
    expect(bodies.join(' ')).toBe(words.join(' '));
    expect(outcome).toEqual({ kind: 'sent', statusCode: 201, providerMessageId: twilio.messages.map((message) => message.sid).join(',') });
  });

  it('records the accepted parts when a later part fails, and a retry sends only the rest', async () => {
    const sms = channel({ max_message_length: 70 });
    const message = outboundMessage({ subject: undefined, body: `${'alpha '.repeat(11)}omega ${'beta '.repeat(10)}end` });
    twilio.program('messages', 'accept', { status: 500, body: 'upstream error' });

    const first = await sms.send(message, destination, sendContext());
    const firstSid = twilio.messages[0]?.sid as string;
    expect(first).toMatchObject({ kind: 'failed', retryable: true, code: 'http_500', progress: { sent: [firstSid] }, providerMessageId: firstSid });
    expect(first.kind === 'failed' && first.message).toMatch(/^part 2 of 2: /);
    expect(twilio.received).toHaveLength(2);

    const progress = first.kind === 'failed' ? first.progress : undefined;
    const second = await sms.send({ ...message, attempt: 2, progress }, destination, sendContext());
    expect(twilio.received).toHaveLength(3);
    expect((twilio.received[2]?.body as { Body: string }).Body).toBe((twilio.received[1]?.body as { Body: string }).Body);
    expect(twilio.messages).toHaveLength(2);
    expect(second).toEqual({ kind: 'sent', statusCode: 201, providerMessageId: `${firstSid},${twilio.messages[1]?.sid}` });
  });

  it('sends every part when the recorded progress is not an SMS progress', async () => {
    const outcome = await channel().send(outboundMessage({ attempt: 2, progress: { sent: [42] } }), destination, sendContext());
    expect(outcome.kind).toBe('sent');
    expect(twilio.received).toHaveLength(1);
  });

  it.each([
    [400, 21211, false],
    [400, 21614, false],
    [400, 21610, false],
    [400, 21612, false],
    [400, 21408, false],
    [401, 20003, false],
    [400, 21611, true],
    [500, 20500, true],
    [503, 20503, true],
  ])('maps HTTP %i error %i to twilio_%i, retryable %s', async (status, code, retryable) => {
    twilio.failNext(1, { status, code, message: 'The stand-in refused it' });
    const outcome = await channel().send(outboundMessage(), destination, sendContext());
    expect(outcome).toMatchObject({ kind: 'failed', retryable, code: `twilio_${code}`, statusCode: status, message: expect.stringContaining('The stand-in refused it') });
  });

  it('refuses the real validation errors permanently (an invalid To answered by the stand-in itself)', async () => {
    const outcome = await channel().send(outboundMessage(), { to: '+1', includeAgentInfo: false }, sendContext());
    expect(outcome).toMatchObject({ kind: 'failed', retryable: false, code: 'twilio_21211', statusCode: 400 });
  });

  it('waits for the Retry-After of a 429 (code 20429)', async () => {
    twilio.failNext(1, { status: 429, code: 20429, message: 'Too Many Requests', retryAfterSeconds: 4 });
    const outcome = await channel().send(outboundMessage(), destination, sendContext());
    expect(outcome).toMatchObject({ kind: 'failed', retryable: true, code: 'twilio_20429', statusCode: 429, retryAfterMs: 4_000 });
  });

  it('fails permanently on wrong credentials without showing them', async () => {
    const outcome = await channel({ auth_token: 'not-the-token' }).send(outboundMessage(), destination, sendContext());
    expect(outcome).toMatchObject({ kind: 'failed', retryable: false, code: 'twilio_20003', statusCode: 401 });
    expect(JSON.stringify(outcome)).not.toContain('not-the-token');
  });

  it('times out when Twilio never answers', async () => {
    twilio.failNext(1, 'hang');
    const outcome = await channel({ timeout_ms: 200 }).send(outboundMessage(), destination, sendContext());
    expect(outcome).toMatchObject({ kind: 'failed', retryable: true, code: 'timeout', progress: { sent: [] } });
  });

  it('stops when the caller aborts', async () => {
    twilio.failNext(1, 'hang');
    const controller = new AbortController();
    const sending = channel({ timeout_ms: 10_000 }).send(outboundMessage(), destination, sendContext(controller.signal));
    setTimeout(() => controller.abort(), 50);
    expect(await sending).toMatchObject({ kind: 'failed', retryable: true, code: 'aborted' });
  });

  it('retries when the connection is refused', async () => {
    const outcome = await channel({ base_url: `http://127.0.0.1:${await closedPort()}` }).send(outboundMessage(), destination, sendContext());
    expect(outcome).toMatchObject({ kind: 'failed', retryable: true, code: 'connection_failed' });
  });

  it('refuses an empty message permanently without calling Twilio', async () => {
    const outcome = await channel().send(outboundMessage({ subject: undefined, body: '  ' }), destination, sendContext());
    expect(outcome).toMatchObject({ kind: 'failed', retryable: false, code: 'message_empty' });
    expect(twilio.received).toHaveLength(0);
  });

  describe('destinations', () => {
    it("takes the config's phone_number over the profile's phone", () => {
      const sms = channel();
      expect(sms.resolveDestination(channelTarget({ phone_number: '+442071838750' }, userProfile({ phone: to })))).toEqual({ ok: true, destination: { to: '+442071838750', includeAgentInfo: false } });
      expect(sms.resolveDestination(channelTarget({ include_agent_info: true }, userProfile({ phone: to })))).toEqual({ ok: true, destination: { to, includeAgentInfo: true } });
    });

    it('has no address without a number and refuses one that is not E.164', () => {
      const sms = channel();
      expect(sms.resolveDestination(channelTarget({}, userProfile()))).toMatchObject({ ok: false, code: 'no_address' });
      expect(sms.resolveDestination(channelTarget({}, undefined))).toMatchObject({ ok: false, code: 'no_address' });
      for (const phone of ['4155550100', '+0155550100', '+1 415 555 0100', '+1415555010012345']) {
        expect(sms.resolveDestination(channelTarget({}, userProfile({ phone })))).toMatchObject({ ok: false, code: 'address_invalid' });
      }
    });

    it('has no address while Twilio is not configured', () => {
      expect(channel({ from_number: undefined }).resolveDestination(channelTarget({ phone_number: to }))).toMatchObject({ ok: false, code: 'no_address' });
    });

    it('keys its breaker by the API root and account', () => {
      expect(channel().breakerKey(destination)).toBe(`sms:${twilio.url}/${twilio.accountSid}`);
    });

    it('describes its config with a closed schema', () => {
      const sms = channel();
      expect(sms.secretKeys).toEqual([]);
      expect(Value.Check(sms.configSchema, { phone_number: to, include_agent_info: true })).toBe(true);
      expect(Value.Check(sms.configSchema, { phone_number: '555-0100' })).toBe(false);
      expect(Value.Check(sms.configSchema, { carrier: 'x' })).toBe(false);
    });
  });

  describe('health', () => {
    it('is healthy when the account answers 200', async () => {
      expect(await channel().checkHealth(AbortSignal.timeout(5_000))).toEqual({ configured: true, healthy: true });
      expect(twilio.received[0]).toMatchObject({ method: 'GET', path: `/2010-04-01/Accounts/${twilio.accountSid}.json` });
    });

    it('is unhealthy when Twilio refuses the credentials', async () => {
      const health = await channel({ auth_token: 'not-the-token' }).checkHealth(AbortSignal.timeout(5_000));
      expect(health).toMatchObject({ configured: true, healthy: false, message: expect.stringContaining('20003') });
      expect(health.message).not.toContain('not-the-token');
    });

    it('is unhealthy when Twilio cannot be reached', async () => {
      const health = await channel({ base_url: `http://127.0.0.1:${await closedPort()}` }).checkHealth(AbortSignal.timeout(5_000));
      expect(health).toMatchObject({ configured: true, healthy: false, message: expect.stringContaining('ECONNREFUSED') });
    });

    it('is not configured without a SID, a token and a sender', async () => {
      for (const missing of ['account_sid', 'auth_token', 'from_number'] as const) {
        expect(await channel({ [missing]: undefined }).checkHealth(AbortSignal.timeout(5_000))).toMatchObject({ configured: false, healthy: false });
      }
    });
  });
});
