import { setTimeout as sleep } from 'node:timers/promises';
import { Value } from 'typebox/value';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeliveryConfig } from '../../../src/config/delivery-config-schema.js';
import type { Channel } from '../../../src/delivery/channels/channel.js';
import { createEmailChannel } from '../../../src/delivery/channels/email-channel.js';
import type { EmailDestination } from '../../../src/delivery/channels/email-destination.js';
import { channelTarget, outboundMessage, sendContext, userProfile } from '../support/channel-fixtures.js';
import { closedPort } from '../support/closed-port.js';
import { openHandleBaseline } from '../support/open-handles.js';
import { startSilentTcpServer } from '../support/silent-tcp-server.js';
import { startSmtpInbox, type SmtpInbox } from '../support/smtp-inbox.js';

const from = 'Switchboard Alerts <alerts@switchboard.example>';
const html: EmailDestination = { to: 'jane@example.com', format: 'html', includeAgentInfo: false };
const text: EmailDestination = { ...html, format: 'text' };

describe('EMAIL channel (SMTP)', () => {
  let inbox: SmtpInbox;
  const opened: Array<{ close(): Promise<void> }> = [];

  let handles: ReturnType<typeof openHandleBaseline>;

  beforeEach(async () => {
    handles = openHandleBaseline();
    inbox = await startSmtpInbox();
    opened.push(inbox);
  });
  afterEach(async () => {
    // Channels first (their pools say QUIT), then the servers.
    for (const resource of opened.splice(0).reverse()) await resource.close();
    await handles.expectNoneLeft();
  });

  function settings(overrides: Partial<DeliveryConfig['email']> = {}): DeliveryConfig['email'] {
    return { host: '127.0.0.1', port: inbox.port, secure: false, require_tls: false, from, max_connections: 2, timeout_ms: 2_000, ...overrides };
  }

  function channel(overrides: Partial<DeliveryConfig['email']> = {}): Channel<EmailDestination> {
    const created = createEmailChannel({ settings: settings(overrides) });
    opened.push(created);
    return created;
  }

  it('sends an HTML message with a text alternative, a deterministic Message-ID and the delivery id header', async () => {
    const message = outboundMessage();
    const outcome = await channel().send(message, html, sendContext());

    const messageId = `<${message.deliveryId}@switchboard.example>`;
    expect(outcome).toEqual({ kind: 'sent', statusCode: 250, providerMessageId: messageId });
    expect(inbox.received).toHaveLength(1);
    const [mail] = inbox.received;
    expect(mail?.envelope).toEqual({ from: 'alerts@switchboard.example', to: ['jane@example.com'] });
    expect(mail?.headers.from).toBe(from);
    expect(mail?.headers.to).toBe('jane@example.com');
    expect(mail?.subject).toBe('Database connection pool exhausted');
    expect(mail?.messageId).toBe(messageId);
    expect(mail?.headers['message-id']).toBe(messageId);
    expect(mail?.headers['x-switchboard-delivery-id']).toBe(message.deliveryId);
    expect(mail?.headers['content-type']).toMatch(/^multipart\/alternative/);
    expect(mail?.text?.trim()).toBe('API Gateway and User Service are failing.\nConnections: 100 of 100.');
    expect(mail?.html).toContain('<p>API Gateway and User Service are failing.<br>\nConnections: 100 of 100.</p>');
  });

  it('dates the message with the context clock', async () => {
    const context = sendContext();
    await channel().send(outboundMessage(), html, context);
    expect(inbox.received[0]?.parsedHeaders.get('date')).toEqual(new Date(context.nowMs));
  });

  it('sends plain text only in the text format', async () => {
    await channel().send(outboundMessage(), text, sendContext());
    const [mail] = inbox.received;
    expect(mail?.html).toBe(false);
    expect(mail?.headers['content-type']).toMatch(/^text\/plain/);
    expect(mail?.text?.trim()).toBe('API Gateway and User Service are failing.\nConnections: 100 of 100.');
  });

  it('escapes the body in the HTML part', async () => {
    await channel().send(outboundMessage({ body: '<script>alert("x")</script> & <b>bold</b>\n\nnext paragraph' }), html, sendContext());
    const rendered = inbox.received[0]?.html as string;
    expect(rendered).not.toContain('<script>');
    expect(rendered).toContain('<p>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;</p>\n<p>next paragraph</p>');
  });

  it("uses the body's first line as the subject when there is none, cut at 78 characters", async () => {
    const sender = channel();
    await sender.send(outboundMessage({ subject: undefined, body: '\nDisk full on db-1\nmore detail' }), text, sendContext());
    await sender.send(outboundMessage({ subject: undefined, body: `${'long '.repeat(30)}\nrest` }), text, sendContext());
    expect(inbox.received[0]?.subject).toBe('Disk full on db-1');
    expect(inbox.received[1]?.subject).toHaveLength(78);
    expect(inbox.received[1]?.subject?.endsWith('…')).toBe(true);
  });

  it('names the agent in both parts when configured', async () => {
    await channel().send(outboundMessage({ data: { agent: 'triage' } }), { ...html, includeAgentInfo: true }, sendContext());
    expect(inbox.received[0]?.text).toContain('Agent: triage');
    expect(inbox.received[0]?.html).toContain('Agent: triage');
  });

  it('gives every attempt of a delivery the same Message-ID', async () => {
    const sender = channel();
    const message = outboundMessage();
    await sender.send(message, html, sendContext());
    await sender.send({ ...message, attempt: 2 }, html, sendContext());
    expect(inbox.received.map((mail) => mail.messageId)).toEqual([`<${message.deliveryId}@switchboard.example>`, `<${message.deliveryId}@switchboard.example>`]);
  });

  it("falls back to switchboard.local for the Message-ID when the From address has no usable domain", async () => {
    const message = outboundMessage();
    const outcome = await channel({ from: 'alerts' }).send(message, text, sendContext());
    expect(outcome).toMatchObject({ providerMessageId: `<${message.deliveryId}@switchboard.local>` });
  });

  it('sends many messages through a pool of one connection', async () => {
    const sender = channel({ max_connections: 1 });
    const outcomes = await Promise.all([1, 2, 3, 4].map((n) => sender.send(outboundMessage({ deliveryId: `delivery-${n}` }), text, sendContext())));
    expect(outcomes.every((outcome) => outcome.kind === 'sent')).toBe(true);
    expect(inbox.received).toHaveLength(4);
  });

  it('releases its pooled connections on close', async () => {
    const sender = createEmailChannel({ settings: settings() });
    await sender.send(outboundMessage(), text, sendContext());
    expect(inbox.sessionCount()).toBe(1);
    await sender.close();
    for (let waited = 0; inbox.sessionCount() > 0 && waited < 2_000; waited += 20) await sleep(20);
    expect(inbox.sessionCount()).toBe(0);
  });

  describe('failures', () => {
    it('fails permanently when the server rejects the recipient (550)', async () => {
      inbox.rejectRecipient('jane@example.com', 550, 'No such user here');
      const outcome = await channel().send(outboundMessage(), html, sendContext());
      expect(outcome).toMatchObject({ kind: 'failed', retryable: false, code: 'smtp_550', statusCode: 550, message: expect.stringContaining('No such user here') });
    });

    it.each([
      ['MAIL', 421, true],
      ['RCPT', 451, true],
      ['RCPT', 450, true],
      ['DATA', 452, true],
      ['DATA', 554, false],
      ['MAIL', 553, false],
    ] as const)('maps a %s refusal with %i to smtp_%i, retryable %s', async (stage, code, retryable) => {
      inbox.failNext(1, { stage, code, message: 'Programmed refusal' });
      const outcome = await channel().send(outboundMessage(), html, sendContext());
      expect(outcome).toMatchObject({ kind: 'failed', retryable, code: `smtp_${code}`, statusCode: code });
      expect(inbox.received).toHaveLength(0);
    });

    it('fails permanently with smtp_auth_failed on wrong credentials, never showing the password', async () => {
      const secured = await startSmtpInbox({ auth: { user: 'switchboard', pass: 'right-password' } });
      opened.push(secured);
      const outcome = await channel({ port: secured.port, user: 'switchboard', password: 'wrong-password' }).send(outboundMessage(), html, sendContext());
      expect(outcome).toMatchObject({ kind: 'failed', retryable: false, code: 'smtp_auth_failed' });
      expect(JSON.stringify(outcome)).not.toContain('wrong-password');
    });

    it('authenticates with the configured credentials', async () => {
      const secured = await startSmtpInbox({ auth: { user: 'switchboard', pass: 'right-password' } });
      opened.push(secured);
      const outcome = await channel({ port: secured.port, user: 'switchboard', password: 'right-password' }).send(outboundMessage(), html, sendContext());
      expect(outcome.kind).toBe('sent');
      expect(secured.received[0]?.authUser).toBe('switchboard');
    });

    it('times out against a server that never greets', async () => {
      const silent = await startSilentTcpServer();
      opened.push(silent);
      const startedAt = performance.now();
      const outcome = await channel({ port: silent.port, timeout_ms: 300 }).send(outboundMessage(), html, sendContext());
      expect(outcome).toMatchObject({ kind: 'failed', retryable: true, code: 'timeout' });
      expect(performance.now() - startedAt).toBeLessThan(3_000);
    });

    it('stops when the caller aborts', async () => {
      const silent = await startSilentTcpServer();
      opened.push(silent);
      const controller = new AbortController();
      const sending = channel({ port: silent.port, timeout_ms: 10_000 }).send(outboundMessage(), html, sendContext(controller.signal));
      setTimeout(() => controller.abort(), 50);
      expect(await sending).toMatchObject({ kind: 'failed', retryable: true, code: 'aborted' });
    });

    it('retries when the connection is refused', async () => {
      const outcome = await channel({ port: await closedPort() }).send(outboundMessage(), html, sendContext());
      expect(outcome).toMatchObject({ kind: 'failed', retryable: true, code: 'connection_failed' });
    });
  });

  describe('destinations', () => {
    it("takes the config's email_address over the profile's email, html by default", () => {
      const sender = channel();
      expect(sender.resolveDestination(channelTarget({ email_address: 'ops@example.com' }, userProfile({ email: 'jane@example.com' })))).toEqual({
        ok: true,
        destination: { to: 'ops@example.com', format: 'html', includeAgentInfo: false },
      });
      expect(sender.resolveDestination(channelTarget({ format: 'text', include_agent_info: true }, userProfile({ email: 'jane@example.com' })))).toEqual({
        ok: true,
        destination: { to: 'jane@example.com', format: 'text', includeAgentInfo: true },
      });
    });

    it('has no address without one, and refuses one that is not an address', () => {
      const sender = channel();
      expect(sender.resolveDestination(channelTarget({}, userProfile()))).toMatchObject({ ok: false, code: 'no_address' });
      expect(sender.resolveDestination(channelTarget({}, undefined))).toMatchObject({ ok: false, code: 'no_address' });
      for (const email of ['jane', 'jane@', '@example.com', 'jane doe@example.com', 'jane@example.com\r\nBcc: all@example.com', 'a@b@c.com', 'jane@-example.com']) {
        expect(sender.resolveDestination(channelTarget({ email_address: email }))).toMatchObject({ ok: false, code: 'address_invalid' });
      }
    });

    it('has no address while no SMTP host is set', async () => {
      const sender = channel({ host: undefined });
      expect(sender.resolveDestination(channelTarget({ email_address: 'jane@example.com' }))).toMatchObject({ ok: false, code: 'no_address' });
      expect(await sender.checkHealth(AbortSignal.timeout(5_000))).toMatchObject({ configured: false, healthy: false });
    });

    it('keys its breaker by host and port and describes its config with a closed schema', () => {
      const sender = channel();
      expect(sender.breakerKey(html)).toBe(`email:127.0.0.1:${inbox.port}`);
      expect(sender.secretKeys).toEqual([]);
      expect(Value.Check(sender.configSchema, { email_address: 'jane@example.com', format: 'text', include_agent_info: false })).toBe(true);
      expect(Value.Check(sender.configSchema, { format: 'markdown' })).toBe(false);
      expect(Value.Check(sender.configSchema, { cc: 'x@example.com' })).toBe(false);
    });
  });

  describe('health', () => {
    it('is healthy when the server accepts a connection', async () => {
      expect(await channel().checkHealth(AbortSignal.timeout(5_000))).toEqual({ configured: true, healthy: true });
    });

    it('is unhealthy when the server cannot be reached or refuses the credentials', async () => {
      expect(await channel({ port: await closedPort() }).checkHealth(AbortSignal.timeout(5_000))).toMatchObject({ configured: true, healthy: false });
      const secured = await startSmtpInbox({ auth: { user: 'switchboard', pass: 'right-password' } });
      opened.push(secured);
      const health = await channel({ port: secured.port, user: 'switchboard', password: 'wrong-password' }).checkHealth(AbortSignal.timeout(5_000));
      expect(health).toMatchObject({ configured: true, healthy: false, message: expect.stringContaining('authentication failed') });
      expect(health.message).not.toContain('wrong-password');
    });

    it('gives up when the server never greets', async () => {
      const silent = await startSilentTcpServer();
      opened.push(silent);
      const health = await channel({ port: silent.port, timeout_ms: 300 }).checkHealth(AbortSignal.timeout(5_000));
      expect(health).toMatchObject({ configured: true, healthy: false });
    });
  });
});
