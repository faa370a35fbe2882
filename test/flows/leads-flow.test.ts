import { createHmac } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { dialects } from '../support/test-database.js';
import { startTestSwitchboard, TEST_ADMIN_KEY, type TestSwitchboard } from '../support/test-switchboard.js';
import { calendlyWebhook, startCalendlyApiServer, type CalendlyApiServer } from '../support/calendly-api-server.js';
import { startWhatsAppCloudApiServer, whatsappMessageWebhook, type WhatsAppCloudApiServer } from '../support/whatsapp-cloud-api-server.js';
import { eventually } from '../support/eventually.js';

const APP_SECRET = 'meta-app-secret-0123456789';
const VERIFY_TOKEN = 'my-verify-token';
const CALENDLY_SIGNING_KEY = 'calendly-webhook-signing-key';
const ALICE_CALENDLY_TOKEN = 'alice-calendly-personal-token';
const PHONE_NUMBER_ID = '106540352242922';
const WHATSAPP_TOKEN = 'whatsapp-test-token';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The `link` step (calendly.create_scheduling_link) of the one whatsapp-lead run. */
async function linkStepOf(api: (method: string, path: string) => Promise<{ body: Json }>): Promise<Json> {
  const [run] = (await api('GET', '/api/v1/runs?route=whatsapp-lead')).body.runs as Json[];
  const detail = (await api('GET', `/api/v1/runs/${run.id as string}`)).body;
  return (detail.steps as Json[]).find((step) => /(^|\.)link$/.test(step.name as string));
}

describe.each(dialects)('WhatsApp lead → intent → Calendly link → WhatsApp reply → Calendly booking, end to end (%s)', (dialect) => {
  let sb: TestSwitchboard | undefined;
  let calendly: CalendlyApiServer | undefined;
  let whatsapp: WhatsAppCloudApiServer | undefined;
  afterEach(async () => {
    await sb?.stop();
    await Promise.all([calendly?.close(), whatsapp?.close()]);
    sb = calendly = whatsapp = undefined;
  });

  async function start(options: { readonly defaultCalendlyToken?: boolean } = {}) {
    [calendly, whatsapp] = await Promise.all([
      startCalendlyApiServer({ users: [{ token: ALICE_CALENDLY_TOKEN, name: 'Alice Seller', eventTypes: [{ name: 'Sales Call' }] }, { token: 'operator-default-token', name: 'Operator' }] }),
      startWhatsAppCloudApiServer({ phoneNumbers: [{ phoneNumberId: PHONE_NUMBER_ID, token: WHATSAPP_TOKEN }, { phoneNumberId: '200000000000001', token: 'operator-whatsapp-token' }] }),
    ]);
    sb = await startTestSwitchboard({
      dialect,
      listen: true,
      config: {
        'flows.leads': { enabled: true, whatsapp_app_secret: APP_SECRET, whatsapp_verify_token: VERIFY_TOKEN, calendly_signing_key: CALENDLY_SIGNING_KEY, retry: { base_delay_ms: 50, max_delay_ms: 200 } },
        'actions.calendly': {
          base_url: calendly.url,
          fallback_url: 'https://calendly.com/acme/intro',
          ...(options.defaultCalendlyToken === true ? { access_token: 'operator-default-token' } : {}),
        },
        'actions.whatsapp': { base_url: whatsapp.url, access_token: 'operator-whatsapp-token', phone_number_id: '200000000000001' },
      },
    });
    const server = sb;
    const api = async (method: string, path: string, body?: unknown): Promise<{ status: number; body: Json }> => {
      const response = await fetch(`${server.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${TEST_ADMIN_KEY}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      return { status: response.status, body: text === '' ? undefined : (JSON.parse(text) as Json) };
    };
    const deliver = async (path: string, signed: { readonly body: string; readonly headers: Record<string, string> }) => {
      const response = await fetch(`${server.url}${path}`, { method: 'POST', headers: signed.headers, body: signed.body });
      return { status: response.status, body: (await response.json()) as Json };
    };
    const connectAlice = async () => {
      expect((await api('PUT', '/api/integrations/calendly', { user_id: 'alice', credentials: { access_token: ALICE_CALENDLY_TOKEN }, settings: { event_type: 'Sales Call' } })).status).toBe(201);
      expect((await api('PUT', '/api/integrations/whatsapp', { user_id: 'alice', credentials: { access_token: WHATSAPP_TOKEN }, settings: { phone_number_id: PHONE_NUMBER_ID } })).status).toBe(201);
    };
    const leadsOf = async (userId: string): Promise<Json[]> => (await api('GET', `/api/leads?user_id=${userId}`)).body.leads as Json[];
    return { api, deliver, connectAlice, leadsOf, calendly, whatsapp, sb: server };
  }

  it("answers Meta's subscription check with the challenge; a wrong token is 403 and a malformed check 400", async () => {
    const { sb } = await start();
    const check = (query: string) => fetch(`${sb.url}/webhooks/whatsapp?${query}`);
    const ok = await check(`hub.mode=subscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=1158201444`);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await ok.text()).toBe('1158201444');

    const wrong = await check('hub.mode=subscribe&hub.verify_token=guess&hub.challenge=1158201444');
    expect(wrong.status).toBe(403);
    expect(((await wrong.json()) as Json).error.code).toBe('verify_token_invalid');

    const malformed = await check(`hub.mode=subscribe&hub.verify_token=${VERIFY_TOKEN}`);
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as Json).error.code).toBe('handshake_invalid');
  });

  it("sends a meeting request a single-use link from the user's own Calendly account over their WhatsApp number; the booking schedules the lead and counts it once", async () => {
    const { api, deliver, connectAlice, leadsOf, calendly, whatsapp } = await start();
    await connectAlice();

    const message = whatsappMessageWebhook({ phoneNumberId: PHONE_NUMBER_ID, from: '5511987654321', name: 'María', text: 'Hola! Can we schedule a demo call this week?' }, APP_SECRET);
    const received = await deliver('/webhooks/whatsapp', message);
    // Meta counts only 200 OK as delivered.
    expect(received.status).toBe(200);
    expect(received.body).toMatchObject({ status: 'accepted', event_id: expect.any(String) });

    const sent = await eventually('the WhatsApp reply', () => whatsapp.sent[0]);
    const link = calendly.links[0];
    expect(link).toBeDefined();
    // The link is Alice's (her token, her "Sales Call" event type), single use.
    const alice = calendly.userByToken(ALICE_CALENDLY_TOKEN);
    expect(link).toMatchObject({ maxEventCount: 1, owner: alice?.eventTypes.find((type) => type.name === 'Sales Call')?.uri });
    expect(sent).toMatchObject({ phoneNumberId: PHONE_NUMBER_ID, to: '5511987654321', token: WHATSAPP_TOKEN });
    expect(sent.body).toContain('Hi María');
    expect(sent.body).toContain(link?.bookingUrl);

    const [lead] = await eventually('the lead marked link_sent', async () => {
      const leads = await leadsOf('alice');
      return leads[0]?.status === 'link_sent' ? leads : undefined;
    });
    expect(lead).toMatchObject({ user_id: 'alice', platform: 'whatsapp', contact: '5511987654321', name: 'María', intent: 'meeting_request', fallback: false });
    expect(lead.booking_url).toContain(link?.bookingUrl);
    expect(new URL(lead.booking_url as string).searchParams.get('utm_content')).toBe(lead.lead_id);
    expect((await api('GET', '/api/integrations?user_id=alice')).body.integrations.calendly.stats).toEqual({ links_created: 1, meetings_scheduled: 0 });

    // The lead books through the link; Calendly posts invitee.created (twice: a redelivery).
    const invitee = calendly.book(lead.booking_url as string, { email: 'maria@example.com', name: 'María Souza', startTime: '2027-01-05T15:00:00.000000Z' });
    const booked = calendlyWebhook('invitee.created', invitee, CALENDLY_SIGNING_KEY);
    expect((await deliver('/webhooks/calendly', booked)).status).toBe(202);
    expect((await deliver('/webhooks/calendly', booked)).status).toBe(200);
    const scheduled = await eventually('the lead scheduled', async () => {
      const found = (await api('GET', `/api/leads/${lead.lead_id as string}`)).body;
      return found.status === 'scheduled' ? found : undefined;
    });
    expect(scheduled).toMatchObject({ email: 'maria@example.com', meeting_start: '2027-01-05T15:00:00.000000Z', calendly_event_uri: expect.stringContaining('/scheduled_events/') });
    expect((await api('GET', '/api/integrations?user_id=alice')).body.integrations.calendly.stats).toEqual({ links_created: 1, meetings_scheduled: 1 });

    // A second message from the same contact is the same lead; a cancellation moves it to canceled.
    const followUp = whatsappMessageWebhook({ phoneNumberId: PHONE_NUMBER_ID, from: '5511987654321', name: 'María', text: 'Thanks! See you then.' }, APP_SECRET);
    expect((await deliver('/webhooks/whatsapp', followUp)).status).toBe(200);
    await eventually('the follow-up recorded', async () => ((await api('GET', `/api/leads/${lead.lead_id as string}`)).body.last_message === 'Thanks! See you then.' ? true : undefined));
    expect(await leadsOf('alice')).toHaveLength(1);
    expect(whatsapp.sent).toHaveLength(1);

    const canceled = calendlyWebhook('invitee.canceled', { ...invitee, cancellation: { reason: 'Something came up' } }, CALENDLY_SIGNING_KEY);
    expect((await deliver('/webhooks/calendly', canceled)).status).toBe(202);
    await eventually('the lead canceled', async () => ((await api('GET', `/api/leads/${lead.lead_id as string}`)).body.status === 'canceled' ? true : undefined));
  });

  it('runs a redelivered WhatsApp message (same message id) once: one lead, one link, one reply', async () => {
    const { deliver, connectAlice, leadsOf, calendly, whatsapp } = await start();
    await connectAlice();
    const message = whatsappMessageWebhook({ phoneNumberId: PHONE_NUMBER_ID, from: '447700900123', name: 'Sam', text: 'Could we book a call?', messageId: 'wamid.HBgLNDQ3NzAwOTAwMTIzFQIAEhgUM0EB' }, APP_SECRET);
    const first = await deliver('/webhooks/whatsapp', message);
    const again = await deliver('/webhooks/whatsapp', message);
    expect(first.status).toBe(200);
    expect(again).toMatchObject({ status: 200, body: { status: 'duplicate', event_id: first.body.event_id } });
    await eventually('the reply', () => whatsapp.sent[0]);
    await eventually('link_sent', async () => ((await leadsOf('alice'))[0]?.status === 'link_sent' ? true : undefined));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(calendly.links).toHaveLength(1);
    expect(whatsapp.sent).toHaveLength(1);
    expect(await leadsOf('alice')).toHaveLength(1);
  });

  it("falls back to the configured link when the user has no Calendly token (and there is no default): fallback: true, the reply still goes out on the operator's number", async () => {
    const { api, deliver, leadsOf, calendly, whatsapp } = await start();
    const message = whatsappMessageWebhook({ phoneNumberId: '200000000000001', from: '14155550123', name: 'Lee', text: 'I would like to schedule a meeting' }, APP_SECRET);
    expect((await deliver('/webhooks/whatsapp', message)).status).toBe(200);
    const sent = await eventually('the reply', () => whatsapp.sent[0]);
    expect(sent).toMatchObject({ phoneNumberId: '200000000000001', to: '14155550123', token: 'operator-whatsapp-token' });
    expect(sent.body).toContain('https://calendly.com/acme/intro');
    expect(calendly.links).toHaveLength(0);
    const [lead] = await eventually('link_sent', async () => {
      const leads = await leadsOf('default');
      return leads[0]?.status === 'link_sent' ? leads : undefined;
    });
    expect(lead).toMatchObject({ fallback: true, booking_url: expect.stringContaining('https://calendly.com/acme/intro') });

    const linkStep = await linkStepOf(api);
    expect(linkStep.output).toMatchObject({ fallback: true, reason: 'not_configured' });
  });

  it('falls back when Calendly is failing and says when to try again (retry_after)', async () => {
    const { api, deliver, connectAlice, calendly, whatsapp } = await start();
    await connectAlice();
    calendly.failNext(10, { status: 503 }, 'scheduling_links');
    const message = whatsappMessageWebhook({ phoneNumberId: PHONE_NUMBER_ID, from: '5521912345678', name: 'Ana', text: 'Can we set up a meeting tomorrow?' }, APP_SECRET);
    expect((await deliver('/webhooks/whatsapp', message)).status).toBe(200);
    const sent = await eventually('the reply', () => whatsapp.sent[0]);
    expect(sent.body).toContain('https://calendly.com/acme/intro');
    const linkStep = await linkStepOf(api);
    expect(linkStep.output).toMatchObject({ fallback: true, retry_after: expect.any(Number) });
  });

  it('stores a message that is not a meeting request as a lead without sending a link', async () => {
    const { deliver, connectAlice, leadsOf, calendly, whatsapp } = await start();
    await connectAlice();
    const message = whatsappMessageWebhook({ phoneNumberId: PHONE_NUMBER_ID, from: '5511900000001', name: 'Rui', text: 'How much does the pro plan cost?' }, APP_SECRET);
    expect((await deliver('/webhooks/whatsapp', message)).status).toBe(200);
    const [lead] = await eventually('the lead', async () => {
      const leads = await leadsOf('alice');
      return leads.length > 0 ? leads : undefined;
    });
    expect(lead).toMatchObject({ status: 'new', intent: 'lead_inquiry', last_message: 'How much does the pro plan cost?' });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(calendly.links).toHaveLength(0);
    expect(whatsapp.sent).toHaveLength(0);
  });

  it('refuses unsigned or wrongly signed WhatsApp and Calendly webhooks and records nothing', async () => {
    const { api, deliver, connectAlice, leadsOf, calendly } = await start();
    await connectAlice();
    const message = whatsappMessageWebhook({ phoneNumberId: PHONE_NUMBER_ID, from: '5511911111111', name: 'Eve', text: 'schedule a demo' }, 'not-the-app-secret');
    const forged = await deliver('/webhooks/whatsapp', message);
    expect(forged.status).toBe(401);
    expect(forged.body.error.code).toMatch(/signature/);
    const unsigned = await deliver('/webhooks/whatsapp', { body: message.body, headers: { 'content-type': 'application/json' } });
    expect(unsigned.status).toBe(401);

    // Calendly's scheme: t=<unix>,v1=<hex HMAC-SHA256 of "t.body">; a stale timestamp is refused too.
    const booking = calendlyWebhook('invitee.created', { email: 'x@example.com', name: 'X', apiUrl: calendly.url }, CALENDLY_SIGNING_KEY);
    const t = Math.floor(Date.now() / 1000) - 3600;
    const stale = `t=${t},v1=${createHmac('sha256', CALENDLY_SIGNING_KEY).update(`${t}.${booking.body}`).digest('hex')}`;
    expect((await deliver('/webhooks/calendly', { body: booking.body, headers: { 'content-type': 'application/json', 'calendly-webhook-signature': stale } })).status).toBe(401);
    const wrongKey = calendlyWebhook('invitee.created', { email: 'x@example.com', name: 'X' }, 'wrong-key');
    expect((await deliver('/webhooks/calendly', wrongKey)).status).toBe(401);

    expect(await leadsOf('alice')).toHaveLength(0);
    expect((await api('GET', '/api/v1/events?limit=10')).body.events).toHaveLength(0);
  });
});
