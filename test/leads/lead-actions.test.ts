import { randomBytes } from 'node:crypto';
import { pino } from 'pino';
import { Value } from 'typebox/value';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ActionContext, AnyAction } from '../../src/actions/action.js';
import { createCalendlyActions } from '../../src/actions/calendly/calendly-actions.js';
import { createCalendlyService } from '../../src/actions/calendly/calendly-service.js';
import type { JsonService } from '../../src/actions/service-client/call-json-service.js';
import type { ActionsConfig } from '../../src/config/actions-config-schema.js';
import { createSecretBox, type SecretBox } from '../../src/crypto/secret-box.js';
import { createPlatformHealthCheck } from '../../src/leads/check-platform-health.js';
import { createLeadActions } from '../../src/leads/lead-actions.js';
import { leadIdForStep } from '../../src/leads/lead-id-for-step.js';
import { createPlatformCredentials, type PlatformCredentials } from '../../src/leads/platform-credentials.js';
import { savePlatformIntegration } from '../../src/leads/save-platform-integration.js';
import { findLead } from '../../src/store/leads/find-lead.js';
import { listLeads } from '../../src/store/leads/list-leads.js';
import { findPlatformIntegration } from '../../src/store/platform-integrations/find-platform-integration.js';
import type { Store } from '../../src/store/store.js';
import { openHandleBaseline } from '../delivery/support/open-handles.js';
import { calendlyWebhook, startCalendlyApiServer, type CalendlyApiServer, type CalendlyInviteeFields } from '../support/calendly-api-server.js';
import { dialects, openTestStore } from '../support/test-database.js';

const logger = pino({ level: 'silent' });
const NOW = Date.UTC(2026, 0, 5, 9, 0, 0);
const clock = { nowMs: () => NOW };
const signingKey = 'calendly-signing-key';
const context = (idempotencyKey: string): ActionContext => ({ clock, logger, idempotencyKey });

/** Runs an action as the run engine does: input checked against its input schema, output against its output schema. */
async function runAction(action: AnyAction, input: unknown, idempotencyKey = `run-${randomBytes(4).toString('hex')}:step`): Promise<Record<string, unknown>> {
  expect([...Value.Errors(action.inputSchema, input)], 'input').toEqual([]);
  const output = await action.run(context(idempotencyKey), input);
  expect([...Value.Errors(action.outputSchema ?? {}, output)], 'output').toEqual([]);
  return output as Record<string, unknown>;
}

/** The `payload` of a Calendly webhook delivery, as a route would pass it on. */
const payloadOf = (kind: 'invitee.created' | 'invitee.canceled', fields: CalendlyInviteeFields): Record<string, unknown> =>
  (JSON.parse(calendlyWebhook(kind, fields, signingKey).body) as { payload: Record<string, unknown> }).payload;

describe.each(dialects)('lead actions (%s)', (dialect) => {
  let store: Store;
  let closeStore: () => Promise<void>;
  let calendly: CalendlyApiServer;
  let service: JsonService;
  let secretBox: SecretBox;
  let credentials: PlatformCredentials;
  let handles: ReturnType<typeof openHandleBaseline>;
  let actions: Record<string, AnyAction>;
  let settings: ActionsConfig['calendly'];

  beforeEach(async () => {
    handles = openHandleBaseline();
    ({ store, close: closeStore } = await openTestStore(dialect));
    calendly = await startCalendlyApiServer({ users: [{ token: 'alice-token', name: 'Alice Seller', eventTypes: [{ name: 'Sales Call' }] }] });
    settings = { base_url: calendly.url, fallback_url: 'https://calendly.com/acme', timeout_ms: 2_000, breaker: { failure_threshold: 5, half_open_after_ms: 30_000 } };
    service = createCalendlyService(settings);
    secretBox = createSecretBox(randomBytes(32));
    credentials = createPlatformCredentials({ db: store.db, secretBox });
    const all = [
      ...createLeadActions({ db: store.db, clock, credentials }),
      ...createCalendlyActions({ settings, credentials: credentials.calendlyCredentials, recordLink: credentials.recordLink, service }),
    ];
    actions = Object.fromEntries(all.map((action) => [action.name, action]));
  });
  afterEach(async () => {
    await service.close();
    await calendly.close();
    await closeStore();
    await handles.expectNoneLeft();
  });

  const action = (name: string): AnyAction => {
    const found = actions[name];
    if (found === undefined) throw new Error(`no action ${name}`);
    return found;
  };
  const connect = async (userId: string, platform: 'calendly' | 'whatsapp', fields: { credentials?: Record<string, string>; settings?: Record<string, unknown> }) => {
    const actionsConfig = { calendly: settings, whatsapp: { base_url: 'http://127.0.0.1:9/v21.0', timeout_ms: 1_000, breaker: settings.breaker } } as ActionsConfig;
    const outcome = await savePlatformIntegration({ db: store.db, secretBox, clock, checkHealth: createPlatformHealthCheck(actionsConfig, clock) }, { userId, platform, fields });
    if (!outcome.ok) throw new Error(JSON.stringify(outcome.problems));
  };
  const stats = async (userId: string) => {
    const row = await findPlatformIntegration(store.db, { userId, platform: 'calendly' });
    return { meetings_scheduled: row?.meetings_scheduled, links_created: row?.links_created };
  };

  it('are the three lead actions, described, with input and output schemas', () => {
    const leadActions = createLeadActions({ db: store.db, clock, credentials });
    expect(leadActions.map((a) => a.name)).toEqual(['leads.record_message', 'leads.link_sent', 'leads.calendly_event']);
    for (const leadAction of leadActions) {
      expect(leadAction.description).toMatch(/^[A-Z].+\.$/);
      expect(leadAction.outputSchema).toBeDefined();
    }
  });

  describe('leads.record_message', () => {
    it('creates the lead on the first message and records later ones on it, normalising the contact', async () => {
      const first = await runAction(action('leads.record_message'), { platform: 'whatsapp', user_id: 'alice', contact: '14155550100', name: 'Lena', text: 'Can we book a demo?', intent: 'schedule_meeting' });
      expect(first).toEqual({ lead_id: expect.any(String), user_id: 'alice', status: 'new', is_new: true });

      const second = await runAction(action('leads.record_message'), { platform: 'WhatsApp', user_id: 'alice', contact: '+1 (415) 555-0100', text: 'Thanks!' });
      expect(second).toEqual({ lead_id: first.lead_id, user_id: 'alice', status: 'new', is_new: false });
      expect(await findLead(store.db, { leadId: String(first.lead_id) })).toMatchObject({ platform: 'whatsapp', contact: '14155550100', name: 'Lena', intent: 'schedule_meeting', last_message: 'Thanks!', created_at: NOW });
    });

    it('is idempotent: the same step running twice records one lead and answers is_new both times', async () => {
      const input = { platform: 'whatsapp', user_id: 'alice', contact: '14155550100', text: 'Hi' };
      const once = await runAction(action('leads.record_message'), input, 'run-1:record');
      const twice = await runAction(action('leads.record_message'), input, 'run-1:record');
      expect(twice).toEqual(once);
      expect(once).toMatchObject({ lead_id: leadIdForStep('run-1:record'), is_new: true });
      expect(await listLeads(store.db, { userId: 'alice' })).toHaveLength(1);
    });

    it("attributes the message to user_id, else to the user who connected the WhatsApp number, else to the default user", async () => {
      await connect('bob', 'whatsapp', { credentials: { access_token: 'bob-token' }, settings: { phone_number_id: '106540352242922' } });
      const record = (fields: Record<string, unknown>) => runAction(action('leads.record_message'), { platform: 'whatsapp', contact: '4915112345678', text: 'Hallo', ...fields });

      expect(await record({ phone_number_id: '106540352242922' })).toMatchObject({ user_id: 'bob', is_new: true });
      expect(await record({ phone_number_id: '106540352242922', user_id: 'carol' })).toMatchObject({ user_id: 'carol', is_new: true });
      expect(await record({ phone_number_id: '999' })).toMatchObject({ user_id: 'default' });
      const withDefault = createLeadActions({ db: store.db, clock, credentials, defaultUserId: 'ops' })[0] as AnyAction;
      expect(await runAction(withDefault, { platform: 'whatsapp', contact: '4915112345678', text: 'Hallo' })).toMatchObject({ user_id: 'ops', is_new: true });
    });

    it('keeps a scheduled lead scheduled when it writes again', async () => {
      const { lead_id: leadId } = await runAction(action('leads.record_message'), { platform: 'whatsapp', user_id: 'alice', contact: '14155550100', text: 'Hi' });
      await runAction(action('leads.calendly_event'), {
        event: 'invitee.created',
        payload: payloadOf('invitee.created', { email: 'lena@example.com', name: 'Lena', tracking: { utm_content: String(leadId) } }),
      });
      expect(await runAction(action('leads.record_message'), { platform: 'whatsapp', user_id: 'alice', contact: '14155550100', text: 'See you!', intent: null })).toMatchObject({ status: 'scheduled', is_new: false });
    });

    it('refuses input without a contact or text (the engine answers input_invalid)', () => {
      const schema = action('leads.record_message').inputSchema;
      expect(Value.Check(schema, { platform: 'whatsapp', contact: '   ', text: 'x' })).toBe(false);
      expect(Value.Check(schema, { platform: 'whatsapp', contact: '1415' })).toBe(false);
    });
  });

  describe('leads.link_sent', () => {
    it('marks the link sent unless the lead is already scheduled; an unknown lead fails for good', async () => {
      const { lead_id: leadId } = await runAction(action('leads.record_message'), { platform: 'whatsapp', user_id: 'alice', contact: '14155550100', text: 'Hi' });
      expect(await runAction(action('leads.link_sent'), { lead_id: leadId, booking_url: 'https://calendly.com/acme', fallback: true })).toEqual({ lead_id: leadId, status: 'link_sent' });
      expect(await findLead(store.db, { leadId: String(leadId) })).toMatchObject({ booking_url: 'https://calendly.com/acme', fallback: 1 });

      await runAction(action('leads.calendly_event'), { event: 'invitee.created', payload: payloadOf('invitee.created', { email: 'lena@example.com', name: 'Lena', tracking: { utm_content: String(leadId) } }) });
      expect(await runAction(action('leads.link_sent'), { lead_id: leadId, booking_url: 'https://calendly.com/d/x', fallback: false })).toEqual({ lead_id: leadId, status: 'scheduled' });

      await expect(action('leads.link_sent').run(context('run-x:sent'), { lead_id: 'nope', booking_url: 'https://calendly.com/d/x', fallback: false })).rejects.toMatchObject({ retryable: false, message: 'no lead nope' });
    });
  });

  describe('leads.calendly_event', () => {
    it('follows a lead from message to a single-use link to a booking, counting the link and the meeting once', async () => {
      await connect('alice', 'calendly', { credentials: { access_token: 'alice-token' }, settings: { event_type: 'Sales Call' } });
      const lead = await runAction(action('leads.record_message'), { platform: 'whatsapp', user_id: 'alice', contact: '14155550100', name: 'Lena', text: 'Can we meet?' });
      const link = await runAction(action('calendly.create_scheduling_link'), { user_id: 'alice', lead_id: lead.lead_id });
      expect(link).toMatchObject({ fallback: false, event_type_name: 'Sales Call' });
      await runAction(action('leads.link_sent'), { lead_id: lead.lead_id, booking_url: link.booking_url, fallback: link.fallback });
      expect(await stats('alice')).toEqual({ meetings_scheduled: 0, links_created: 1 });

      const invitee = { ...calendly.book(String(link.booking_url), { email: 'Lena@Example.com', name: 'Lena', startTime: '2026-01-06T15:00:00.000Z' }), scheduledEventId: 'EV1', inviteeId: 'IN1' };
      const created = payloadOf('invitee.created', invitee);
      const input = { event: 'invitee.created', payload: created };
      expect(await runAction(action('leads.calendly_event'), input)).toEqual({ matched: true, lead_id: lead.lead_id, user_id: 'alice', status: 'scheduled', matched_by: 'tracking' });
      expect(await findLead(store.db, { leadId: String(lead.lead_id) })).toMatchObject({
        status: 'scheduled',
        calendly_event_uri: `${calendly.url}/scheduled_events/EV1`,
        meeting_start: '2026-01-06T15:00:00.000Z',
        email: 'lena@example.com',
      });
      expect(await stats('alice')).toEqual({ meetings_scheduled: 1, links_created: 1 });

      // A redelivered webhook, or the step running again, counts nothing more.
      await runAction(action('leads.calendly_event'), input, 'run-1:apply');
      await runAction(action('leads.calendly_event'), input, 'run-1:apply');
      await runAction(action('leads.calendly_event'), { event: 'invitee.created', payload: payloadOf('invitee.created', invitee) });
      expect(await stats('alice')).toEqual({ meetings_scheduled: 1, links_created: 1 });

      expect(await runAction(action('leads.calendly_event'), { event: 'invitee.canceled', payload: payloadOf('invitee.canceled', invitee) })).toMatchObject({ matched: true, status: 'canceled' });
      expect(await findLead(store.db, { leadId: String(lead.lead_id) })).toMatchObject({ status: 'canceled' });
      // The old booking redelivered after its cancellation does not schedule the lead again, nor count.
      expect(await runAction(action('leads.calendly_event'), input)).toMatchObject({ matched: true, status: 'canceled' });
      expect(await stats('alice')).toEqual({ meetings_scheduled: 1, links_created: 1 });

      // Sent a new link, the lead waits for a booking; a late booking of the canceled event (another
      // invitee of it, so not a duplicate delivery) still does not schedule it, nor count.
      const again = await runAction(action('calendly.create_scheduling_link'), { user_id: 'alice', lead_id: lead.lead_id });
      await runAction(action('leads.link_sent'), { lead_id: lead.lead_id, booking_url: again.booking_url, fallback: again.fallback });
      expect(await findLead(store.db, { leadId: String(lead.lead_id) })).toMatchObject({ status: 'link_sent' });
      const lateInvitee = payloadOf('invitee.created', { ...invitee, inviteeId: 'IN9' });
      expect(await runAction(action('leads.calendly_event'), { event: 'invitee.created', payload: lateInvitee })).toMatchObject({ matched: true, status: 'link_sent' });
      expect(await stats('alice')).toEqual({ meetings_scheduled: 1, links_created: 2 });
      // A booking of a new event does.
      const rebooked = payloadOf('invitee.created', { ...calendly.book(String(again.booking_url), { email: 'lena@example.com', name: 'Lena', startTime: '2026-01-07T15:00:00.000Z' }), scheduledEventId: 'EV3', inviteeId: 'IN3' });
      expect(await runAction(action('leads.calendly_event'), { event: 'invitee.created', payload: rebooked })).toMatchObject({ matched: true, status: 'scheduled' });
      expect(await stats('alice')).toEqual({ meetings_scheduled: 2, links_created: 2 });
    });

    it('counts a meeting once under concurrent deliveries of the same booking', async () => {
      await connect('alice', 'calendly', { credentials: { access_token: 'alice-token' } });
      const { lead_id: leadId } = await runAction(action('leads.record_message'), { platform: 'whatsapp', user_id: 'alice', contact: '14155550100', text: 'Hi' });
      const payload = payloadOf('invitee.created', { email: 'lena@example.com', name: 'Lena', scheduledEventId: 'EV2', tracking: { utm_content: String(leadId) } });
      const outputs = await Promise.all(Array.from({ length: 5 }, () => runAction(action('leads.calendly_event'), { event: 'invitee.created', payload })));
      expect(outputs.every((output) => output.status === 'scheduled')).toBe(true);
      expect(await stats('alice')).toEqual({ meetings_scheduled: 1, links_created: 0 });
    });

    it('matches by the SMS reminder number, else by email, when the booking URL names no lead; no match is matched: false', async () => {
      const wa = await runAction(action('leads.record_message'), { platform: 'whatsapp', user_id: 'alice', contact: '14155550100', text: 'Hi' });
      const mail = await runAction(action('leads.record_message'), { platform: 'email', user_id: 'alice', contact: 'Bea@Example.com', text: 'Hello' });

      const byPhone = await runAction(action('leads.calendly_event'), { event: 'invitee.created', payload: payloadOf('invitee.created', { email: 'lena@example.com', name: 'Lena', textReminderNumber: '+1 415-555-0100' }) });
      expect(byPhone).toMatchObject({ matched: true, lead_id: wa.lead_id, matched_by: 'phone', status: 'scheduled' });
      const byEmail = await runAction(action('leads.calendly_event'), { event: 'invitee.created', payload: payloadOf('invitee.created', { email: 'bea@example.com', name: 'Bea' }) });
      expect(byEmail).toMatchObject({ matched: true, lead_id: mail.lead_id, matched_by: 'email' });
      // The email recorded at the first booking finds the WhatsApp lead later too.
      expect(await runAction(action('leads.calendly_event'), { event: 'invitee.created', payload: payloadOf('invitee.created', { email: 'LENA@example.com', name: 'Lena' }) })).toMatchObject({ lead_id: wa.lead_id, matched_by: 'email' });

      // Another user's leads are not matched when the step names the user; an unknown tracked id falls back to the contact.
      expect(await runAction(action('leads.calendly_event'), { event: 'invitee.created', user_id: 'bob', payload: payloadOf('invitee.created', { email: 'bea@example.com', name: 'Bea' }) })).toEqual({ matched: false });
      expect(await runAction(action('leads.calendly_event'), { event: 'invitee.created', payload: payloadOf('invitee.created', { email: 'bea@example.com', name: 'Bea', tracking: { utm_content: 'not-a-lead' } }) })).toMatchObject({ lead_id: mail.lead_id });
      expect(await runAction(action('leads.calendly_event'), { event: 'invitee.canceled', payload: payloadOf('invitee.canceled', { email: 'stranger@example.com', name: 'Stranger', textReminderNumber: '+44 20 7946 0000' }) })).toEqual({ matched: false });
    });

    it('moves a lead through a reschedule without counting it as a new meeting, whichever webhook arrives first', async () => {
      await connect('alice', 'calendly', { credentials: { access_token: 'alice-token' } });
      const api = 'https://api.calendly.com';
      for (const order of ['cancel-first', 'create-first'] as const) {
        const { lead_id: leadId } = await runAction(action('leads.record_message'), { platform: 'whatsapp', user_id: 'alice', contact: order === 'cancel-first' ? '100001' : '100002', text: 'Hi' });
        const tracking = { utm_content: String(leadId) };
        const oldEvent = { email: 'lena@example.com', name: 'Lena', scheduledEventId: `OLD-${order}`, inviteeId: 'I1', tracking };
        await runAction(action('leads.calendly_event'), { event: 'invitee.created', payload: payloadOf('invitee.created', oldEvent) });

        const cancelOld = { ...payloadOf('invitee.canceled', oldEvent), rescheduled: true };
        const createNew = { ...payloadOf('invitee.created', { ...oldEvent, scheduledEventId: `NEW-${order}`, inviteeId: 'I2', startTime: '2026-01-09T10:00:00.000Z' }), old_invitee: `${api}/scheduled_events/OLD-${order}/invitees/I1` };
        const steps = order === 'cancel-first' ? [['invitee.canceled', cancelOld], ['invitee.created', createNew]] : [['invitee.created', createNew], ['invitee.canceled', cancelOld]];
        for (const [event, payload] of steps) expect(await runAction(action('leads.calendly_event'), { event, payload })).toMatchObject({ matched: true, status: 'scheduled' });
        expect(await findLead(store.db, { leadId: String(leadId) })).toMatchObject({ status: 'scheduled', calendly_event_uri: `${api}/scheduled_events/NEW-${order}`, meeting_start: '2026-01-09T10:00:00.000Z' });
      }
      expect(await stats('alice')).toEqual({ meetings_scheduled: 2, links_created: 0 });
    });

    it("schedules a lead without counting for a user who has not connected Calendly (there are no stats to count in)", async () => {
      const { lead_id: leadId } = await runAction(action('leads.record_message'), { platform: 'whatsapp', user_id: 'dora', contact: '14155550100', text: 'Hi' });
      expect(await runAction(action('leads.calendly_event'), { event: 'invitee.created', payload: payloadOf('invitee.created', { email: 'x@example.com', name: 'X', tracking: { utm_content: String(leadId) } }) })).toMatchObject({ status: 'scheduled' });
      expect(await findPlatformIntegration(store.db, { userId: 'dora', platform: 'calendly' })).toBeUndefined();
    });

    it('refuses a payload without its scheduled event (the engine answers input_invalid)', () => {
      expect(Value.Check(action('leads.calendly_event').inputSchema, { event: 'invitee.created', payload: { email: 'x@example.com' } })).toBe(false);
      expect(Value.Check(action('leads.calendly_event').inputSchema, { event: 'invitee.no_show', payload: payloadOf('invitee.created', { email: 'x@example.com', name: 'X' }) })).toBe(false);
    });
  });

  describe('platform credentials', () => {
    it('give the actions decrypted credentials merged with settings, count links, and find the user of a WhatsApp number', async () => {
      await connect('alice', 'calendly', { credentials: { access_token: 'alice-token' }, settings: { event_type: 'Sales Call', user_name: 'Alice' } });
      await connect('alice', 'whatsapp', { credentials: { access_token: 'wa-token' }, settings: { phone_number_id: '123456789' } });

      expect(await credentials.credentialsFor('alice', 'calendly')).toEqual({ access_token: 'alice-token', event_type: 'Sales Call', user_name: 'Alice' });
      expect(await credentials.calendlyCredentials('alice')).toEqual({ access_token: 'alice-token', event_type: 'Sales Call' });
      expect(await credentials.whatsappCredentials('alice')).toEqual({ access_token: 'wa-token', phone_number_id: '123456789' });
      expect(await credentials.credentialsFor('bob', 'calendly')).toBeUndefined();
      expect(await credentials.whatsappCredentials('bob')).toBeUndefined();

      await credentials.recordLink('alice');
      await credentials.recordLink('bob');
      expect(await stats('alice')).toEqual({ meetings_scheduled: 0, links_created: 1 });
      expect(await credentials.userForWhatsAppNumber('123456789')).toBe('alice');
      expect(await credentials.userForWhatsAppNumber('987654321')).toBeUndefined();
    });
  });
});
