import { pino } from 'pino';
import { Value } from 'typebox/value';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ActionContext, AnyAction } from '../../src/actions/action.js';
import { createActionRegistry } from '../../src/actions/action-registry.js';
import type { JsonService } from '../../src/actions/service-client/call-json-service.js';
import { ServiceError } from '../../src/actions/service-client/service-error.js';
import type { WhatsAppCredentials } from '../../src/actions/whatsapp/send-message-action.js';
import { checkWhatsAppHealth, createWhatsAppActions } from '../../src/actions/whatsapp/whatsapp-actions.js';
import { createWhatsAppService } from '../../src/actions/whatsapp/whatsapp-service.js';
import type { ActionsConfig } from '../../src/config/actions-config-schema.js';
import { metaScheme } from '../../src/ingress/verify/meta.js';
import { openHandleBaseline } from '../delivery/support/open-handles.js';
import { graphErrors, startWhatsAppCloudApiServer, whatsappMessageWebhook, type WhatsAppCloudApiServer } from '../support/whatsapp-cloud-api-server.js';

const logger = pino({ level: 'silent' });
const context = (idempotencyKey = 'run-1:reply'): ActionContext => ({ clock: { nowMs: () => Date.now() }, logger, idempotencyKey });
const lead = '+1 555-010-4242';

/** Runs an action as the run engine does: input checked against its input schema, output against its output schema. */
async function runAction(action: AnyAction, input: unknown): Promise<Record<string, unknown>> {
  expect(Value.Check(action.inputSchema, input), 'input').toBe(true);
  const output = await action.run(context(), input);
  if (action.outputSchema === undefined) throw new Error('no output schema');
  expect(Value.Errors(action.outputSchema, output)).toEqual([]);
  return output as Record<string, unknown>;
}

async function serviceError(promise: Promise<unknown>): Promise<ServiceError> {
  const thrown: unknown = await promise.then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(thrown).toBeInstanceOf(ServiceError);
  return thrown as ServiceError;
}

describe('whatsapp.send_message', () => {
  let whatsapp: WhatsAppCloudApiServer;
  let service: JsonService;
  let handles: ReturnType<typeof openHandleBaseline>;
  let stored: Record<string, WhatsAppCredentials>;
  const opened: Array<{ close(): Promise<void> }> = [];

  const settings = (overrides: Partial<ActionsConfig['whatsapp']> = {}): ActionsConfig['whatsapp'] => ({
    base_url: whatsapp.url,
    access_token: 'system-token',
    phone_number_id: '100000000000001',
    timeout_ms: 2_000,
    breaker: { failure_threshold: 5, half_open_after_ms: 30_000 },
    ...overrides,
  });

  function action(overrides: Partial<ActionsConfig['whatsapp']> = {}): AnyAction {
    const effective = settings(overrides);
    service = createWhatsAppService(effective);
    opened.push(service);
    const [created] = createWhatsAppActions({ settings: effective, credentials: async (userId) => stored[userId], service });
    if (created === undefined) throw new Error('no action');
    return created;
  }

  const send = (created: AnyAction, input: Record<string, unknown> = {}): Promise<unknown> => created.run(context(), { user_id: 'user-alice', to: lead, text: 'Hi!', ...input });

  beforeEach(async () => {
    handles = openHandleBaseline();
    whatsapp = await startWhatsAppCloudApiServer({
      phoneNumbers: [
        { phoneNumberId: '100000000000001', token: 'system-token', displayPhoneNumber: '+1 555-0100' },
        { phoneNumberId: '200000000000002', token: 'alice-token', displayPhoneNumber: '+1 555-0200', verifiedName: 'Alice Sales' },
        { phoneNumberId: '300000000000003', token: 'alice-token', allowedRecipients: ['15550104242'] },
      ],
    });
    opened.push(whatsapp);
    stored = { 'user-alice': { access_token: 'alice-token', phone_number_id: '200000000000002' } };
  });
  afterEach(async () => {
    for (const resource of opened.splice(0).reverse()) await resource.close();
    await handles.expectNoneLeft();
  });

  it('is the one WhatsApp action, described, with input and output schemas', () => {
    const registry = createActionRegistry([action()]);
    expect(registry.listActions().map((listed) => listed.name)).toEqual(['whatsapp.send_message']);
    expect(registry.getAction('whatsapp.send_message')?.description).toMatch(/^[A-Z].+\.$/);
  });

  it("sends a text message from the user's own number with the user's token", async () => {
    const text = 'Thanks Lena! Book a time here: https://calendly.com/d/abc-def-ghj?utm_source=switchboard&utm_content=lead-42';
    const output = await runAction(action(), { user_id: 'user-alice', to: lead, text });

    const [sent] = whatsapp.sent;
    expect(output).toEqual({ message_id: sent?.id, to: lead, wa_id: '15550104242' });
    expect(sent?.id).toMatch(/^wamid\./);
    const [received] = whatsapp.received;
    expect(received).toMatchObject({ method: 'POST', path: '/v21.0/200000000000002/messages' });
    expect(received?.headers.authorization).toBe('Bearer alice-token');
    expect(received?.body).toEqual({ messaging_product: 'whatsapp', recipient_type: 'individual', to: lead, type: 'text', text: { preview_url: true, body: text }, biz_opaque_callback_data: 'run-1:reply' });
  });

  it("uses actions.whatsapp's token and number without a user or their credentials; an input number id wins", async () => {
    const created = action();
    await runAction(created, { to: lead, text: 'Hello' });
    await runAction(created, { user_id: 'user-without-whatsapp', to: lead, text: 'Hello' });
    await runAction(created, { user_id: 'user-alice', to: lead, text: 'Hello', phone_number_id: '300000000000003' });

    expect(whatsapp.sent.map((sent) => [sent.phoneNumberId, sent.token])).toEqual([
      ['100000000000001', 'system-token'],
      ['100000000000001', 'system-token'],
      ['300000000000003', 'alice-token'],
    ]);
  });

  it('rejects input that is not a phone number or a message before calling', () => {
    const created = action();
    for (const input of [{ to: 'lena', text: 'Hi' }, { to: lead, text: '' }, { to: lead, text: 'x'.repeat(4_097) }, { to: lead, text: 'Hi', phone_number_id: 'abc' }]) {
      expect(Value.Check(created.inputSchema, input), JSON.stringify(input).slice(0, 60)).toBe(false);
    }
  });

  it('fails for good, sending nothing, when no token or number id is configured', async () => {
    const withoutToken = await serviceError(send(action({ access_token: undefined }), { user_id: 'user-without-whatsapp' }));
    expect(withoutToken).toMatchObject({ code: 'not_configured', retryable: false });
    expect(withoutToken.message).toMatch(/WHATSAPP_ACCESS_TOKEN/);

    const withoutNumber = await serviceError(send(action({ phone_number_id: undefined }), { user_id: 'user-without-whatsapp' }));
    expect(withoutNumber).toMatchObject({ code: 'not_configured', retryable: false });
    expect(whatsapp.received).toEqual([]);
  });

  describe('permanent failures (retryable: false)', () => {
    it('a recipient outside a test number’s allowed list (131030)', async () => {
      const error = await serviceError(send(action(), { to: '+15550109999', phone_number_id: '300000000000003' }));
      expect(error).toMatchObject({ code: 'http_400', statusCode: 400, retryable: false });
      expect(error.message).toMatch(/^whatsapp: HTTP 400 permanent Graph error 131030: \(#131030\) Recipient phone number not in allowed list \(Recipient phone number not in allowed list: Add .+\) \[fbtrace_id .+\]$/);
    });

    it.each([
      ['undeliverable (131026)', graphErrors.undeliverable, 400],
      ['re-engagement needed (131047)', graphErrors.reEngagementRequired, 400],
      ['expired token (190/463)', graphErrors.expiredToken, 401],
    ])('%s', async (_label, reply, status) => {
      whatsapp.failNext(1, reply);
      const error = await serviceError(send(action()));
      expect(error).toMatchObject({ statusCode: status, retryable: false });
      expect(error.message).toContain(`Graph error ${reply.code}`);
    });

    it('an unknown token (190) and a number the token may not use (100/33)', async () => {
      stored['user-alice'] = { access_token: 'revoked-token' };
      expect(await serviceError(send(action()))).toMatchObject({ statusCode: 401, retryable: false, message: expect.stringContaining('Graph error 190: Invalid OAuth access token') });

      stored['user-alice'] = { access_token: 'alice-token', phone_number_id: '100000000000001' };
      expect(await serviceError(send(action()))).toMatchObject({ statusCode: 400, retryable: false, message: expect.stringContaining('Graph error 100/33') });
      expect(whatsapp.sent).toEqual([]);
    });

    it('does not open the breaker', async () => {
      const created = action({ breaker: { failure_threshold: 1, half_open_after_ms: 30_000 } });
      whatsapp.failNext(2, graphErrors.recipientNotAllowed);
      await serviceError(send(created));
      await serviceError(send(created));
      expect(await runAction(created, { to: lead, text: 'Hi' })).toHaveProperty('message_id');
    });
  });

  describe('retryable failures', () => {
    it('rate limits, with Retry-After when given, whatever the status Graph answers them with', async () => {
      const created = action();
      whatsapp.failNext(1, { ...graphErrors.rateLimited, retryAfterSeconds: 7 });
      expect(await serviceError(send(created))).toMatchObject({ statusCode: 429, retryable: true, retryAfterMs: 7_000 });

      whatsapp.failNext(1, graphErrors.businessRateLimited);
      expect(await serviceError(send(created))).toMatchObject({ statusCode: 400, retryable: true, retryAfterMs: undefined, message: expect.stringContaining('Graph error 80007') });

      whatsapp.failNext(1, { status: 400, code: 131056, message: '(#131056) (Business Account, Consumer Account) pair rate limit hit' });
      expect(await serviceError(send(created))).toMatchObject({ retryable: true, retryAfterMs: 6_000 });
    });

    it("Meta's transient errors (131000, 131016) and a proxy's 502", async () => {
      const created = action();
      whatsapp.failNext(1, graphErrors.somethingWentWrong);
      expect(await serviceError(send(created))).toMatchObject({ statusCode: 500, retryable: true, message: expect.stringContaining('Graph error 131000') });
      whatsapp.failNext(1, graphErrors.serviceUnavailable);
      expect(await serviceError(send(created))).toMatchObject({ statusCode: 503, retryable: true });
      whatsapp.failNext(1, { status: 502, body: '<html>Bad Gateway</html>' });
      expect(await serviceError(send(created))).toMatchObject({ code: 'http_502', retryable: true });
    });

    it('timeouts and refused connections', async () => {
      const created = action({ timeout_ms: 200 });
      whatsapp.program('messages', 'hang');
      expect(await serviceError(send(created))).toMatchObject({ code: 'timeout', retryable: true });
      await whatsapp.down();
      expect(await serviceError(send(created))).toMatchObject({ code: 'connection_failed', retryable: true });
      await whatsapp.up();
      expect(await runAction(created, { to: lead, text: 'Hi' })).toHaveProperty('message_id');
    });
  });

  it('fails for good on a 2xx without a message id (it may have been sent: never resent)', async () => {
    whatsapp.failNext(1, { status: 200, body: '{"messaging_product":"whatsapp"}' });
    expect(await serviceError(send(action()))).toMatchObject({ code: 'invalid_response', retryable: false });
  });

  describe('checkWhatsAppHealth', () => {
    it("reads the phone number, or says why it cannot", async () => {
      const effective = settings();
      expect(await checkWhatsAppHealth(effective, 'alice-token', '200000000000002')).toEqual({
        configured: true,
        healthy: true,
        message: 'sending as +1 555-0200, quality GREEN',
        phone_number: expect.objectContaining({ id: '200000000000002', display_phone_number: '+1 555-0200', verified_name: 'Alice Sales', quality_rating: 'GREEN' }),
      });
      expect(await checkWhatsAppHealth(effective, undefined, undefined)).toMatchObject({ healthy: true, phone_number: { id: '100000000000001' } });
      expect(await checkWhatsAppHealth(effective, 'alice-token', '100000000000001')).toMatchObject({ configured: true, healthy: false, message: expect.stringContaining('Graph error 100/33') });
      expect(await checkWhatsAppHealth(settings({ access_token: undefined }), undefined, undefined)).toEqual({ configured: false, healthy: false, message: 'no WhatsApp access token is set' });
      expect(await checkWhatsAppHealth(settings({ phone_number_id: undefined }), 'alice-token', undefined)).toEqual({ configured: false, healthy: false, message: 'no WhatsApp phone number id is set' });
    });
  });
});

describe('whatsappMessageWebhook', () => {
  it('builds an inbound message payload signed like Meta, escaping non-ASCII as Meta does', () => {
    const { body, headers } = whatsappMessageWebhook({ phoneNumberId: '200000000000002', from: '5511987654321', name: 'João', text: 'Olá! Podemos agendar uma reunião?', nowMs: Date.UTC(2025, 10, 26, 10, 30) }, 'app-secret');

    expect(body).not.toMatch(/[^\x20-\x7e]/);
    expect(body).toContain('Jo\\u00e3o');
    const verified = metaScheme.verify({ rawBody: Buffer.from(body), headers, url: 'https://switchboard.example/webhooks/whatsapp', contentType: 'application/json' }, ['app-secret'], {}, Date.now());
    expect(verified.ok).toBe(true);
    expect(metaScheme.verify({ rawBody: Buffer.from(body), headers, url: '', contentType: 'application/json' }, ['other-secret'], {}, Date.now()).ok).toBe(false);

    expect(JSON.parse(body)).toEqual({
      object: 'whatsapp_business_account',
      entry: [
        {
          id: '102290129340398',
          changes: [
            {
              field: 'messages',
              value: {
                messaging_product: 'whatsapp',
                metadata: { display_phone_number: '15550100', phone_number_id: '200000000000002' },
                contacts: [{ profile: { name: 'João' }, wa_id: '5511987654321' }],
                messages: [{ from: '5511987654321', id: expect.stringMatching(/^wamid\./), timestamp: '1764153000', type: 'text', text: { body: 'Olá! Podemos agendar uma reunião?' } }],
              },
            },
          ],
        },
      ],
    });
  });
});
