import type { Insertable } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MeetingsTable } from '../../src/store/database.js';
import { upsertMeeting } from '../../src/store/meetings/upsert-meeting.js';
import type { Store } from '../../src/store/store.js';
import { dialects, openTestStore } from '../support/test-database.js';
import { BASE_MS } from './ingest-fixtures.js';

const meeting = (meetingId: string, alertId: string | null, overrides: Partial<Insertable<MeetingsTable>> = {}): Insertable<MeetingsTable> => ({
  meeting_id: meetingId,
  alert_id: alertId,
  meeting_url: `https://slotify.example/m/${meetingId}`,
  title: `Review of ${alertId ?? 'nothing'}`,
  description: null,
  scheduled_time: '2026-01-02T15:00:00.000Z',
  duration_minutes: 30,
  attendees: '[]',
  urgency_level: 'HIGH',
  why_scheduled: null,
  discussion_points: '[]',
  status: 'scheduled',
  created_at: BASE_MS,
  updated_at: BASE_MS,
  ...overrides,
});

describe.each(dialects)('meetings store (%s)', (dialect) => {
  let store: Store;
  let close: () => Promise<void>;
  beforeEach(async () => {
    ({ store, close } = await openTestStore(dialect));
  });
  afterEach(async () => {
    await close();
  });

  it('stores a meeting, and the same meeting of the same alert again refreshes its details but not its status', async () => {
    expect((await upsertMeeting(store.db, meeting('m-1', 'a-1'))).outcome).toBe('stored');
    await store.db.updateTable('meetings').set({ status: 'completed' }).execute();
    const again = await upsertMeeting(store.db, meeting('m-1', 'a-1', { title: 'Renamed', updated_at: BASE_MS + 1 }));
    expect(again).toMatchObject({ outcome: 'stored', meeting: { meeting_id: 'm-1', alert_id: 'a-1', title: 'Renamed', status: 'completed', updated_at: BASE_MS + 1 } });
  });

  it("an alert's second meeting is not stored: the first is returned", async () => {
    await upsertMeeting(store.db, meeting('m-1', 'a-1'));
    const second = await upsertMeeting(store.db, meeting('m-2', 'a-1'));
    expect(second).toMatchObject({ outcome: 'alert_has_meeting', meeting: { meeting_id: 'm-1' } });
    expect(await store.db.selectFrom('meetings').select('meeting_id').execute()).toEqual([{ meeting_id: 'm-1' }]);
  });

  it("never changes a meeting stored for another alert (or for none) when its id comes again", async () => {
    const first = (await upsertMeeting(store.db, meeting('m-1', 'a-1'))).meeting;
    const other = await upsertMeeting(store.db, meeting('m-1', 'a-2', { title: 'Someone else', meeting_url: 'https://slotify.example/m/other', updated_at: BASE_MS + 5 }));
    expect(other).toEqual({ outcome: 'meeting_of_another_alert', meeting: first });
    // Without an alert, against one with an alert, and the other way round.
    expect(await upsertMeeting(store.db, meeting('m-1', null, { title: 'No alert' }))).toEqual({ outcome: 'meeting_of_another_alert', meeting: first });
    const loose = (await upsertMeeting(store.db, meeting('m-loose', null))).meeting;
    expect(await upsertMeeting(store.db, meeting('m-loose', 'a-3', { title: 'Claimed' }))).toEqual({ outcome: 'meeting_of_another_alert', meeting: loose });
    expect((await upsertMeeting(store.db, meeting('m-loose', null, { title: 'Still loose' }))).meeting).toMatchObject({ alert_id: null, title: 'Still loose' });
    const rows = await store.db.selectFrom('meetings').selectAll().orderBy('meeting_id').execute();
    expect(rows).toEqual([first, expect.objectContaining({ meeting_id: 'm-loose', alert_id: null, title: 'Still loose' })]);
  });
});
