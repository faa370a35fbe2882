import { createHmac, randomBytes } from 'node:crypto';
import { calendlyWebhook, startCalendlyApiServer } from '../../test/support/calendly-api-server.js';
import { startWhatsAppCloudApiServer } from '../../test/support/whatsapp-cloud-api-server.js';
import { baseUrlOverride, type Example } from '../support/example.js';
import { check } from '../support/example-failure.js';
import type { HttpAnswer } from '../support/http-transcript.js';
import { pollUntil } from '../support/poll-until.js';

/** Demo values of the environment variables `switchboard.yaml` interpolates; the stand-ins accept the same. */
const demoEnv = {
  SWITCHBOARD_ADMIN_KEY: 'example-admin-key-0123456789abcdef',
  WHATSAPP_APP_SECRET: 'example-meta-app-secret',
  WHATSAPP_VERIFY_TOKEN: 'example-verify-token',
  CALENDLY_SIGNING_KEY: 'example-calendly-signing-key',
  WHATSAPP_ACCESS_TOKEN: 'example-operator-whatsapp-token',
  WHATSAPP_PHONE_NUMBER_ID: '200000000000001',
} as const;

/** Alice, a seller with her own Calendly account and WhatsApp Business number, connected through the API. */
const alice = {
  userId: 'alice',
  calendlyToken: 'example-alice-calendly-token',
  eventType: 'Sales Call',
  whatsappToken: 'example-alice-whatsapp-token',
  phoneNumberId: '106540352242922',
} as const;

/** The WhatsApp user who writes to Alice. */
const contact = { waId: '5511987654321', name: 'María', email: 'maria@example.com', text: 'Hola! Can we schedule a demo call this week?' } as const;

/**
 * An inbound text message as Meta posts it to the webhook. Meta escapes non-ASCII characters as
 * `\uXXXX` and signs those exact bytes, which is why a receiver must verify the raw body.
 */
function whatsappMessageBody(phoneNumberId: string, from: { readonly waId: string; readonly name: string }, text: string, nowMs = Date.now()): string {
  const value = {
    messaging_product: 'whatsapp',
    metadata: { display_phone_number: '15550100', phone_number_id: phoneNumberId },
    contacts: [{ profile: { name: from.name }, wa_id: from.waId }],
    messages: [{ from: from.waId, id: `wamid.${randomBytes(24).toString('base64')}`, timestamp: String(Math.floor(nowMs / 1000)), type: 'text', text: { body: text } }],
  };
  const payload = { object: 'whatsapp_business_account', entry: [{ id: '102290129340398', changes: [{ value, field: 'messages' }] }] };
  return JSON.stringify(payload).replace(/[\u007f-\uffff]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Meta's signature: X-Hub-Signature-256 = "sha256=" + hex HMAC-SHA256 of the raw body, keyed with the app secret. */
function signMetaWebhook(rawBody: string): Record<string, string> {
  const signature = createHmac('sha256', demoEnv.WHATSAPP_APP_SECRET).update(rawBody).digest('hex');
  return { 'content-type': 'application/json', 'X-Hub-Signature-256': `sha256=${signature}` };
}

/**
 * Calendly's signature: Calendly-Webhook-Signature = "t=<unix seconds>,v1=<hex HMAC-SHA256 of
 * "<t>.<raw body>">", keyed with the subscription's signing key (Stripe's construction); Switchboard
 * refuses a t more than webhooks.default_tolerance_seconds (300 s) away. A redelivery is signed again with a new t.
 */
function signCalendlyWebhook(rawBody: string, nowMs = Date.now()): Record<string, string> {
  const t = String(Math.floor(nowMs / 1000));
  const v1 = createHmac('sha256', demoEnv.CALENDLY_SIGNING_KEY).update(`${t}.${rawBody}`).digest('hex');
  return { 'content-type': 'application/json; charset=utf-8', 'Calendly-Webhook-Signature': `t=${t},v1=${v1}` };
}

interface Lead {
  readonly lead_id?: string;
  readonly status?: string;
  readonly booking_url?: string;
  readonly intent?: string;
}

const describe = (answer: HttpAnswer) => `${answer.status} ${answer.text.slice(0, 300)}`;
const admin = { authorization: `Bearer ${demoEnv.SWITCHBOARD_ADMIN_KEY}` };
const adminJson = { ...admin, 'content-type': 'application/json' };

/** Tomorrow at 15:00 UTC, as Calendly writes times (six fractional digits). */
function tomorrowAt15Utc(nowMs = Date.now()): string {
  return new Date(Math.floor(nowMs / 86_400_000) * 86_400_000 + 86_400_000 + 15 * 3_600_000).toISOString().replace('.000Z', '.000000Z');
}

/** Seed 003: a WhatsApp message → intent → a Calendly single-use link → the WhatsApp reply; the booking → the lead scheduled. */
export const leadsExample: Example = {
  title: 'seed 003: WhatsApp message → intent → Calendly link → WhatsApp reply → booking',
  configFile: 'examples/leads/switchboard.yaml',
  async open(config, portOf) {
    const [calendly, whatsapp] = await Promise.all([
      startCalendlyApiServer({ port: portOf('calendly', config.baseUrl('calendly')), users: [{ token: alice.calendlyToken, name: 'Alice Seller', eventTypes: [{ name: alice.eventType }, { name: '15 Minute Intro', duration: 15 }] }] }),
      startWhatsAppCloudApiServer({
        port: portOf('whatsapp', config.baseUrl('whatsapp')),
        phoneNumbers: [
          { phoneNumberId: alice.phoneNumberId, token: alice.whatsappToken, verifiedName: 'Alice Seller' },
          { phoneNumberId: demoEnv.WHATSAPP_PHONE_NUMBER_ID, token: demoEnv.WHATSAPP_ACCESS_TOKEN, verifiedName: 'Acme Sales' },
        ],
      }),
    ]);
    return {
      standIns: [
        { name: 'Calendly stand-in', url: calendly.url },
        { name: 'WhatsApp Cloud API stand-in', url: whatsapp.url },
      ],
      env: {
        ...demoEnv,
        ...baseUrlOverride('CALENDLY_API_URL', calendly.url, config.baseUrl('calendly')),
        ...baseUrlOverride('WHATSAPP_API_URL', whatsapp.url, config.baseUrl('whatsapp')),
      },

      async run(http) {
        http.step("Meta's subscription check (when you add the webhook URL in the Meta app dashboard)");
        const query = new URLSearchParams({ 'hub.mode': 'subscribe', 'hub.verify_token': demoEnv.WHATSAPP_VERIFY_TOKEN, 'hub.challenge': '1158201444' });
        const handshake = await http.send('GET', `/webhooks/whatsapp?${query.toString()}`);
        check(handshake.status === 200 && handshake.text === '1158201444', `the subscription check should be answered 200 with the challenge; got ${describe(handshake)}`);

        http.step("Connect Alice's Calendly account and her WhatsApp number (admin key; credentials are encrypted at rest)");
        const calendlyBody = JSON.stringify({ user_id: alice.userId, credentials: { access_token: alice.calendlyToken }, settings: { event_type: alice.eventType } });
        const connectCalendly = await http.send('PUT', '/api/integrations/calendly', { headers: adminJson, body: calendlyBody });
        check(connectCalendly.status === 201, `PUT /api/integrations/calendly should be 201 (created); got ${describe(connectCalendly)}`);
        const whatsappBody = JSON.stringify({ user_id: alice.userId, credentials: { access_token: alice.whatsappToken }, settings: { phone_number_id: alice.phoneNumberId } });
        const connectWhatsApp = await http.send('PUT', '/api/integrations/whatsapp', { headers: adminJson, body: whatsappBody });
        check(connectWhatsApp.status === 201, `PUT /api/integrations/whatsapp should be 201 (created); got ${describe(connectWhatsApp)}`);

        http.step(`${contact.name} writes to Alice's number; Meta posts the message, signed`);
        const messageBody = whatsappMessageBody(alice.phoneNumberId, contact, contact.text);
        const received = await http.send('POST', '/webhooks/whatsapp', { headers: signMetaWebhook(messageBody), body: messageBody });
        check(received.status === 200 && (received.body as { status?: string }).status === 'accepted', `a signed message should be answered 200 "accepted" (Meta retries anything else); got ${describe(received)}`);
        const reply = await pollUntil('the WhatsApp reply', () => whatsapp.sent[0]);
        const link = calendly.links[0];
        check(link !== undefined && reply.body.includes(link.bookingUrl) && reply.body.includes(`Hi ${contact.name}`), `the reply should greet ${contact.name} with the single-use link; it says ${JSON.stringify(reply.body)}`);
        check(reply.phoneNumberId === alice.phoneNumberId && reply.token === alice.whatsappToken && reply.to === contact.waId, `the reply should go from Alice's number with her token to ${contact.waId}; got ${JSON.stringify(reply)}`);
        http.note(`Calendly stand-in: POST /scheduling_links with Alice's token → ${link.bookingUrl} (max_event_count 1, her "${alice.eventType}")`);
        http.note(`WhatsApp stand-in: POST /v21.0/${reply.phoneNumberId}/messages to ${reply.to} with Alice's token:`);
        http.note(`  "${reply.body}"`);

        http.step("Alice's leads");
        const leadsPath = `/api/leads?user_id=${alice.userId}`;
        const leads = await pollUntil('the lead marked link_sent', async () => {
          const answer = await http.send('GET', leadsPath, { headers: admin, print: false });
          return ((answer.body as { leads?: Lead[] }).leads ?? [])[0]?.status === 'link_sent' ? answer : undefined;
        });
        http.show('GET', leadsPath, leads, 'polled until the lead is link_sent');
        const lead = ((leads.body as { leads?: Lead[] }).leads ?? [])[0];
        check(lead?.lead_id !== undefined && lead.booking_url !== undefined && lead.intent === 'meeting_request', `the lead should be a meeting_request with its booking URL; got ${JSON.stringify(lead)}`);

        http.step(`${contact.name} books through the link; Calendly posts invitee.created, signed`);
        const invitee = calendly.book(lead.booking_url, { email: contact.email, name: 'María Souza', startTime: tomorrowAt15Utc() });
        http.note(`Calendly stand-in: ${invitee.email} booked ${lead.booking_url} for ${invitee.startTime ?? '?'} (utm_content=${invitee.tracking?.utm_content ?? '-'} is the lead id)`);
        // The body as Calendly posts it (the stand-in's helper builds its ~60 fields); the signature is made here.
        const bookedBody = calendlyWebhook('invitee.created', invitee, demoEnv.CALENDLY_SIGNING_KEY).body;
        const booked = await http.send('POST', '/webhooks/calendly', { headers: signCalendlyWebhook(bookedBody), body: bookedBody });
        check(booked.status === 202 && (booked.body as { status?: string }).status === 'accepted', `invitee.created should be answered 202 "accepted"; got ${describe(booked)}`);

        http.step('Calendly delivers the same booking again (a retry): a duplicate, nothing counted twice');
        const again = await http.send('POST', '/webhooks/calendly', { headers: signCalendlyWebhook(bookedBody), body: bookedBody });
        check(again.status === 200 && (again.body as { status?: string }).status === 'duplicate', `the redelivery should be answered 200 "duplicate"; got ${describe(again)}`);

        http.step('The lead, scheduled');
        const leadPath = `/api/leads/${lead.lead_id}`;
        const scheduled = await pollUntil('the lead scheduled', async () => {
          const answer = await http.send('GET', leadPath, { headers: admin, print: false });
          return (answer.body as Lead).status === 'scheduled' ? answer : undefined;
        });
        http.show('GET', leadPath, scheduled, 'polled until the lead is scheduled');

        http.step("Alice's connections, with their counters");
        const integrations = await http.send('GET', `/api/integrations?user_id=${alice.userId}`, { headers: admin });
        const stats = (integrations.body as { integrations?: { calendly?: { stats?: { links_created?: number; meetings_scheduled?: number } } } }).integrations?.calendly?.stats;
        check(integrations.status === 200 && stats?.links_created === 1 && stats.meetings_scheduled === 1, `Alice's Calendly counters should be 1 link and 1 meeting; got ${JSON.stringify(stats)}`);
      },

      tryIt(url) {
        const message = (text: string) =>
          `{"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"field":"messages","value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550100","phone_number_id":"${alice.phoneNumberId}"},"contacts":[{"profile":{"name":"Sam"},"wa_id":"447700900123"}],"messages":[{"from":"447700900123","id":"wamid.try'$ID'","timestamp":"'$ID'","type":"text","text":{"body":"${text}"}}]}}]}]}`;
        return [
          `Write to Alice's number as another contact (the runner prints the reply the WhatsApp stand-in gets):`,
          ``,
          `  ID=$(date +%s)`,
          `  BODY='${message('Could we book a call next week?')}'`,
          `  SIG=$(printf '%s' "$BODY" | openssl dgst -sha256 -hmac '${demoEnv.WHATSAPP_APP_SECRET}' | sed 's/^.* //')`,
          `  curl -sS ${url}/webhooks/whatsapp -H 'content-type: application/json' -H "X-Hub-Signature-256: sha256=$SIG" -d "$BODY"`,
          ``,
          `  curl -sS '${url}/api/leads?user_id=${alice.userId}' -H 'Authorization: Bearer ${demoEnv.SWITCHBOARD_ADMIN_KEY}'`,
          `  curl -sS '${url}/api/integrations?user_id=${alice.userId}' -H 'Authorization: Bearer ${demoEnv.SWITCHBOARD_ADMIN_KEY}'`,
        ];
      },

      watch(print) {
        let sentSeen = whatsapp.sent.length;
        let linksSeen = calendly.links.length;
        const timer = setInterval(() => {
          for (const link of calendly.links.slice(linksSeen)) print(`[Calendly stand-in] single-use link ${link.bookingUrl}`);
          for (const sent of whatsapp.sent.slice(sentSeen)) print(`[WhatsApp stand-in] to ${sent.to} from ${sent.phoneNumberId}: ${sent.body}`);
          linksSeen = calendly.links.length;
          sentSeen = whatsapp.sent.length;
        }, 200);
        return () => clearInterval(timer);
      },

      close: async () => void (await Promise.all([calendly.close(), whatsapp.close()])),
    };
  },
};
