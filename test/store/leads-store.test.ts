import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findLead } from '../../src/store/leads/find-lead.js';
import { findLeadByContact } from '../../src/store/leads/find-lead-by-contact.js';
import { findLeadsForInvitee } from '../../src/store/leads/find-leads-for-invitee.js';
import { listLeads } from '../../src/store/leads/list-leads.js';
import { markLeadCanceled } from '../../src/store/leads/mark-lead-canceled.js';
import { markLeadLinkSent } from '../../src/store/leads/mark-lead-link-sent.js';
import { markLeadScheduled } from '../../src/store/leads/mark-lead-scheduled.js';
import { upsertLeadFromMessage, type LeadMessage } from '../../src/store/leads/upsert-lead-from-message.js';
import type { Store } from '../../src/store/store.js';
import { dialects, openTestStore } from '../support/test-database.js';
import { BASE_MS } from './ingest-fixtures.js';

const message = (leadId: string, contact: string, overrides: Partial<LeadMessage> = {}): LeadMessage => ({
  leadId,
  userId: 'u1',
  platform: 'whatsapp',
  contact,
  name: 'Ana',
  text: 'Can we schedule a demo?',
  intent: 'schedule_meeting',
  nowMs: BASE_MS,
  ...overrides,
});

const EVENT_A = 'https://api.calendly.com/scheduled_events/AAAA';
const EVENT_B = 'https://api.calendly.com/scheduled_events/BBBB';
const START = '2026-01-02T15:00:00.000000Z';

describe.each(dialects)('leads store (%s)', (dialect) => {
  let store: Store;
  let close: () => Promise<void>;
  beforeEach(async () => {
    ({ store, close } = await openTestStore(dialect));
  });
  afterEach(async () => {
    await close();
  });

  describe('upsertLeadFromMessage', () => {
    it('creates a new lead on the first message from a contact', async () => {
      const { lead, created } = await upsertLeadFromMessage(store.db, message('lead-1', '14155550100'));
      expect(created).toBe(true);
      expect(lead).toEqual({
        lead_id: 'lead-1',
        user_id: 'u1',
        platform: 'whatsapp',
        contact: '14155550100',
        name: 'Ana',
        status: 'new',
        intent: 'schedule_meeting',
        last_message: 'Can we schedule a demo?',
        booking_url: null,
        fallback: 0,
        calendly_event_uri: null,
        meeting_start: null,
        email: null,
        created_at: BASE_MS,
        updated_at: BASE_MS,
      });
      expect(await findLead(store.db, { leadId: 'lead-1' })).toEqual(lead);
    });

    it('records later messages on the same lead, keeping name and intent when a message has none, and never touching the status', async () => {
      await upsertLeadFromMessage(store.db, message('lead-1', '14155550100'));
      await markLeadScheduled(store.db, { leadId: 'lead-1', calendlyEventUri: EVENT_A, meetingStart: START, email: 'ana@example.com', nowMs: BASE_MS + 1 });

      const { lead, created } = await upsertLeadFromMessage(store.db, message('lead-2', '14155550100', { name: null, intent: null, text: 'See you then', nowMs: BASE_MS + 2 }));
      expect(created).toBe(false);
      expect(lead).toMatchObject({ lead_id: 'lead-1', name: 'Ana', intent: 'schedule_meeting', last_message: 'See you then', status: 'scheduled', created_at: BASE_MS, updated_at: BASE_MS + 2 });

      const renamed = await upsertLeadFromMessage(store.db, message('lead-3', '14155550100', { name: 'Ana María', intent: 'question', nowMs: BASE_MS + 3 }));
      expect(renamed.lead).toMatchObject({ lead_id: 'lead-1', name: 'Ana María', intent: 'question', status: 'scheduled' });
      expect(await findLead(store.db, { leadId: 'lead-2' })).toBeUndefined();
    });

    it('answers created again for the write that created the lead when it is repeated', async () => {
      await upsertLeadFromMessage(store.db, message('lead-1', '14155550100'));
      const repeated = await upsertLeadFromMessage(store.db, message('lead-1', '14155550100', { nowMs: BASE_MS + 10 }));
      expect(repeated.created).toBe(true);
      expect(await listLeads(store.db, { userId: 'u1' })).toHaveLength(1);
    });

    it('keeps one lead per user, platform and contact, also for concurrent first messages', async () => {
      const results = await Promise.all(Array.from({ length: 8 }, (_, i) => upsertLeadFromMessage(store.db, message(`lead-${i}`, '14155550100', { text: `message ${i}` }))));
      expect(results.filter((result) => result.created)).toHaveLength(1);
      expect(new Set(results.map((result) => result.lead.lead_id)).size).toBe(1);

      await upsertLeadFromMessage(store.db, message('other-user', '14155550100', { userId: 'u2' }));
      await upsertLeadFromMessage(store.db, message('other-platform', '14155550100', { platform: 'sms' }));
      expect(await listLeads(store.db, { userId: 'u1' })).toHaveLength(2);
      expect((await findLeadByContact(store.db, { userId: 'u2', platform: 'whatsapp', contact: '14155550100' }))?.lead_id).toBe('other-user');
      expect((await findLeadByContact(store.db, { userId: 'u1', platform: 'sms', contact: '14155550100' }))?.lead_id).toBe('other-platform');
      expect(await findLeadByContact(store.db, { userId: 'u1', platform: 'whatsapp', contact: '14155550199' })).toBeUndefined();
    });
  });

  it('lists a user’s leads newest first, up to a limit', async () => {
    await upsertLeadFromMessage(store.db, message('a', '100001', { nowMs: BASE_MS + 1 }));
    await upsertLeadFromMessage(store.db, message('b', '100002', { nowMs: BASE_MS + 3 }));
    await upsertLeadFromMessage(store.db, message('c', '100003', { nowMs: BASE_MS + 2 }));
    await upsertLeadFromMessage(store.db, message('d', '100004', { userId: 'u2', nowMs: BASE_MS + 9 }));
    expect((await listLeads(store.db, { userId: 'u1' })).map((lead) => lead.lead_id)).toEqual(['b', 'c', 'a']);
    expect((await listLeads(store.db, { userId: 'u1', limit: 2 })).map((lead) => lead.lead_id)).toEqual(['b', 'c']);
    expect(await listLeads(store.db, { userId: 'nobody' })).toEqual([]);
  });

  it('marks the link sent (link_sent unless scheduled, a canceled lead waiting again); undefined for an unknown lead', async () => {
    await upsertLeadFromMessage(store.db, message('lead-1', '14155550100'));
    const sent = await markLeadLinkSent(store.db, { leadId: 'lead-1', bookingUrl: 'https://calendly.com/d/abc', fallback: true, nowMs: BASE_MS + 1 });
    expect(sent).toMatchObject({ status: 'link_sent', booking_url: 'https://calendly.com/d/abc', fallback: 1, updated_at: BASE_MS + 1 });

    await markLeadScheduled(store.db, { leadId: 'lead-1', calendlyEventUri: EVENT_A, meetingStart: START, email: null, nowMs: BASE_MS + 2 });
    const whileScheduled = await markLeadLinkSent(store.db, { leadId: 'lead-1', bookingUrl: 'https://calendly.com/d/def', fallback: false, nowMs: BASE_MS + 3 });
    expect(whileScheduled).toMatchObject({ status: 'scheduled', booking_url: 'https://calendly.com/d/def', fallback: 0 });

    await markLeadCanceled(store.db, { leadId: 'lead-1', calendlyEventUri: EVENT_A, nowMs: BASE_MS + 4 });
    expect(await markLeadLinkSent(store.db, { leadId: 'lead-1', bookingUrl: 'https://calendly.com/d/ghi', fallback: false, nowMs: BASE_MS + 5 })).toMatchObject({ status: 'link_sent' });
    expect(await markLeadLinkSent(store.db, { leadId: 'nope', bookingUrl: 'https://calendly.com/d/x', fallback: false, nowMs: BASE_MS })).toBeUndefined();
  });

  describe('markLeadScheduled and markLeadCanceled', () => {
    beforeEach(async () => {
      await upsertLeadFromMessage(store.db, message('lead-1', '14155550100'));
      await markLeadLinkSent(store.db, { leadId: 'lead-1', bookingUrl: 'https://calendly.com/d/abc', fallback: false, nowMs: BASE_MS });
    });
    const schedule = (uri: string, overrides: { email?: string | null; replacesEventUri?: string; meetingStart?: string } = {}) =>
      markLeadScheduled(store.db, { leadId: 'lead-1', calendlyEventUri: uri, meetingStart: overrides.meetingStart ?? START, email: overrides.email ?? null, replacesEventUri: overrides.replacesEventUri, nowMs: BASE_MS + 1 });

    it('schedules the lead with the event, start and email; only the first of repeated bookings transitions', async () => {
      const first = await schedule(EVENT_A, { email: 'ana@example.com' });
      expect(first).toMatchObject({ transitioned: true, lead: { status: 'scheduled', calendly_event_uri: EVENT_A, meeting_start: START, email: 'ana@example.com', updated_at: BASE_MS + 1 } });
      const again = await schedule(EVENT_A);
      expect(again).toMatchObject({ transitioned: false, lead: { status: 'scheduled', calendly_event_uri: EVENT_A, email: 'ana@example.com' } });
    });

    it('lets exactly one of concurrent bookings transition', async () => {
      const results = await Promise.all(Array.from({ length: 6 }, () => schedule(EVENT_A)));
      expect(results.filter((result) => result?.transitioned === true)).toHaveLength(1);
    });

    it('moves a scheduled lead to the event that replaces its own (a reschedule) without transitioning; ignores an unrelated event', async () => {
      await schedule(EVENT_A);
      const moved = await schedule(EVENT_B, { replacesEventUri: EVENT_A, meetingStart: '2026-01-03T10:00:00Z' });
      expect(moved).toMatchObject({ transitioned: false, lead: { status: 'scheduled', calendly_event_uri: EVENT_B, meeting_start: '2026-01-03T10:00:00Z' } });
      const unrelated = await schedule('https://api.calendly.com/scheduled_events/CCCC');
      expect(unrelated).toMatchObject({ transitioned: false, lead: { calendly_event_uri: EVENT_B } });
    });

    it('cancels the lead for its event once; a cancellation of another event changes nothing', async () => {
      await schedule(EVENT_A);
      expect(await markLeadCanceled(store.db, { leadId: 'lead-1', calendlyEventUri: EVENT_B, nowMs: BASE_MS + 2 })).toMatchObject({ transitioned: false, lead: { status: 'scheduled', calendly_event_uri: EVENT_A } });
      expect(await markLeadCanceled(store.db, { leadId: 'lead-1', calendlyEventUri: EVENT_A, nowMs: BASE_MS + 3 })).toMatchObject({ transitioned: true, lead: { status: 'canceled', updated_at: BASE_MS + 3 } });
      expect(await markLeadCanceled(store.db, { leadId: 'lead-1', calendlyEventUri: EVENT_A, nowMs: BASE_MS + 4 })).toMatchObject({ transitioned: false, lead: { status: 'canceled', updated_at: BASE_MS + 3 } });
    });

    it('does not schedule the lead again for an event whose cancellation is recorded, but does for a new booking', async () => {
      // The cancellation arrived before its booking: the late booking stays canceled.
      expect(await markLeadCanceled(store.db, { leadId: 'lead-1', calendlyEventUri: EVENT_A, nowMs: BASE_MS + 2 })).toMatchObject({ transitioned: true, lead: { status: 'canceled', calendly_event_uri: EVENT_A } });
      expect(await schedule(EVENT_A)).toMatchObject({ transitioned: false, lead: { status: 'canceled' } });
      expect(await schedule(EVENT_B)).toMatchObject({ transitioned: true, lead: { status: 'scheduled', calendly_event_uri: EVENT_B } });
    });

    it('answers undefined for an unknown lead', async () => {
      expect(await markLeadScheduled(store.db, { leadId: 'nope', calendlyEventUri: EVENT_A, meetingStart: START, email: null, nowMs: BASE_MS })).toBeUndefined();
      expect(await markLeadCanceled(store.db, { leadId: 'nope', calendlyEventUri: EVENT_A, nowMs: BASE_MS })).toBeUndefined();
    });
  });

  it('finds the leads an invitee may be by contact or recorded email, of one user when given, most recently updated first', async () => {
    await upsertLeadFromMessage(store.db, message('wa', '14155550100', { nowMs: BASE_MS + 1 }));
    await upsertLeadFromMessage(store.db, message('mail', 'ana@example.com', { platform: 'email', nowMs: BASE_MS + 2 }));
    await upsertLeadFromMessage(store.db, message('other', '14155550100', { userId: 'u2', nowMs: BASE_MS + 3 }));
    await upsertLeadFromMessage(store.db, message('booked', '4915112345678', { nowMs: BASE_MS + 4 }));
    await markLeadScheduled(store.db, { leadId: 'booked', calendlyEventUri: EVENT_A, meetingStart: START, email: 'bea@example.com', nowMs: BASE_MS + 5 });

    const ids = async (args: Parameters<typeof findLeadsForInvitee>[1]) => (await findLeadsForInvitee(store.db, args)).map((lead) => lead.lead_id);
    expect(await ids({ contacts: ['14155550100'] })).toEqual(['other', 'wa']);
    expect(await ids({ userId: 'u1', contacts: ['14155550100', 'ana@example.com'] })).toEqual(['mail', 'wa']);
    expect(await ids({ contacts: [], email: 'bea@example.com' })).toEqual(['booked']);
    expect(await ids({ userId: 'u2', contacts: [], email: 'bea@example.com' })).toEqual([]);
    expect(await ids({ contacts: [] })).toEqual([]);
  });
});
