import { Type, type Static } from 'typebox';
import type { Action, AnyAction } from '../actions/action.js';
import { AlertSchema } from '../agents/alert-schema.js';
import { ComplianceOutputSchema } from '../agents/builtin/compliance.js';
import { MeetingContextOutputSchema } from '../agents/builtin/meeting-context.js';
import { RcaOutputSchema } from '../agents/builtin/rca.js';
import { TriageOutputSchema, UrgencyLevelSchema } from '../agents/builtin/triage.js';
import type { Clock } from '../core/clock.js';
import type { SchedulingConfig } from '../config/scheduling-config-schema.js';
import type { Db } from '../store/database.js';
import { setAlertStatus } from '../store/alerts/set-alert-status.js';
import { upsertAlert } from '../store/alerts/upsert-alert.js';
import { setMeetingStatus } from '../store/meetings/set-meeting-status.js';
import { upsertMeeting } from '../store/meetings/upsert-meeting.js';
import { chooseMeetingTime } from './choose-meeting-time.js';

const RecordAlertInput = Type.Object({
  alert: Type.Object({ ...AlertSchema.properties, alert_id: Type.String({ minLength: 1 }) }),
  triage: TriageOutputSchema,
  rca: Type.Optional(RcaOutputSchema),
  compliance: Type.Optional(ComplianceOutputSchema),
  event_id: Type.Optional(Type.String()),
});
const RecordAlertOutput = Type.Object({ alert_id: Type.String(), status: Type.String(), meeting_id: Type.Union([Type.String(), Type.Null()]) });

const ChooseTimeInput = Type.Object({
  urgency_level: UrgencyLevelSchema,
  attendees: Type.Optional(Type.Array(Type.String())),
  duration_minutes: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_440 })),
});
const ChooseTimeOutput = Type.Object({ scheduled_time: Type.String(), deadline: Type.String(), within_working_hours: Type.Boolean(), within_deadline: Type.Boolean() });

const MeetingInput = Type.Object({
  meeting_id: Type.String({ minLength: 1 }),
  meeting_url: Type.String({ minLength: 1 }),
  title: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  description: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  scheduled_time: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  duration_minutes: Type.Optional(Type.Union([Type.Integer(), Type.Null()])),
  attendees: Type.Optional(Type.Array(Type.String())),
});
const RecordMeetingInput = Type.Object({
  alert_id: Type.Optional(Type.String({ minLength: 1 })),
  meeting: MeetingInput,
  context: Type.Optional(MeetingContextOutputSchema),
});
const RecordMeetingOutput = Type.Object({ meeting_id: Type.String(), meeting_url: Type.String(), alert_id: Type.Union([Type.String(), Type.Null()]), status: Type.String() });

const AlertStatusInput = Type.Object({ alert_id: Type.String({ minLength: 1 }), status: Type.String({ minLength: 1 }) });
const AlertStatusOutput = Type.Object({ alert_id: Type.String(), status: Type.String(), updated: Type.Boolean() });

const MeetingStatusInput = Type.Object({ meeting_id: Type.String({ minLength: 1 }), status: Type.Optional(Type.String({ maxLength: 64 })) });
const MeetingStatusOutput = Type.Object({
  meeting_id: Type.String(),
  /** The status stored (updated), or the word received (ignored; null when none was given). */
  status: Type.Union([Type.String(), Type.Null()]),
  updated: Type.Boolean(),
  /** True when the status is none Switchboard follows: the meeting was left as it was. */
  ignored: Type.Boolean(),
  alert_id: Type.Union([Type.String(), Type.Null()]),
});

/**
 * Slotify's words for a meeting's end (or its move), as seed 000's meeting webhooks send them, and
 * Switchboard's. Only these change a stored meeting: any other word is ignored, so a webhook about
 * something else (`meeting.created`, or one with neither status nor type) never stores a junk status.
 */
const meetingStatuses: Readonly<Record<string, string>> = { completed: 'completed', complete: 'completed', ended: 'completed', finished: 'completed', cancelled: 'cancelled', canceled: 'cancelled', scheduled: 'scheduled', rescheduled: 'scheduled' };

const json = (value: unknown): string => JSON.stringify(value ?? null);

/**
 * The step's failure when Slotify answers with a meeting id already stored for another alert (it
 * reused an id): not retried, since every retry gets the same meeting back (the Idempotency-Key
 * is the alert's), and nothing is changed: the other alert keeps its meeting, this one gets none.
 */
function meetingOfAnotherAlert(meetingId: string, owner: string | null, alertId: string | undefined): Error & { readonly retryable: false } {
  const whose = (id: string | null | undefined) => (id === null || id === undefined ? 'no alert' : `alert "${id}"`);
  const message = `meeting "${meetingId}" is already stored for ${whose(owner)}, not ${whose(alertId)}: Slotify reused a meeting id; nothing was changed`;
  return Object.assign(new Error(message), { retryable: false as const });
}

/**
 * Seed 000's records of alerts and their meetings as actions: the ChainSync → agents → Slotify route
 * stores each alert's analysis, picks the meeting's time, stores the Slotify meeting, marks the
 * alert once ChainSync knows, and follows Slotify's meeting webhooks. All are idempotent: a retried
 * step or a repeated alert changes nothing twice.
 */
export function createAlertMeetingActions(deps: { readonly db: Db; readonly clock: Clock; readonly scheduling: SchedulingConfig }): AnyAction[] {
  const recordAlert: Action<Static<typeof RecordAlertInput>, Static<typeof RecordAlertOutput>> = {
    name: 'alerts.record',
    description: "Stores an alert with its urgency, root cause and compliance status (seed 000's alerts table); a known alert keeps its meeting.",
    inputSchema: RecordAlertInput,
    outputSchema: RecordAlertOutput,
    async run(_ctx, input) {
      const nowMs = deps.clock.nowMs();
      const { alert } = input;
      const row = await upsertAlert(deps.db, {
        alert_id: alert.alert_id,
        event_id: input.event_id ?? null,
        alert_type: alert.alert_type ?? null,
        severity: alert.severity ?? null,
        description: alert.description ?? null,
        affected_systems: json(alert.affected_systems ?? []),
        detected_at: alert.detected_at ?? null,
        urgency_level: input.triage.level,
        urgency_score: input.triage.score,
        root_cause: input.rca?.root_cause ?? null,
        rca: input.rca === undefined ? null : json(input.rca),
        compliance_status: input.compliance?.status ?? null,
        compliance: input.compliance === undefined ? null : json(input.compliance),
        meeting_created: 0,
        meeting_id: null,
        status: 'analyzed',
        created_at: nowMs,
        updated_at: nowMs,
      });
      return { alert_id: row.alert_id, status: row.status, meeting_id: row.meeting_id };
    },
  };

  const chooseTime: Action<Static<typeof ChooseTimeInput>, Static<typeof ChooseTimeOutput>> = {
    name: 'meetings.choose_time',
    description: 'Picks when a meeting is held: within the urgency\'s deadline (CRITICAL within the hour …), inside the attendees\' working hours (scheduling.*).',
    inputSchema: ChooseTimeInput,
    outputSchema: ChooseTimeOutput,
    run: async (_ctx, input) =>
      chooseMeetingTime({ urgency: input.urgency_level, attendees: input.attendees ?? [], durationMinutes: input.duration_minutes ?? 30, nowMs: deps.clock.nowMs(), scheduling: deps.scheduling }),
  };

  const recordMeeting: Action<Static<typeof RecordMeetingInput>, Static<typeof RecordMeetingOutput>> = {
    name: 'meetings.record',
    description:
      "Stores a Slotify meeting with its briefing (seed 000's meetings table) and marks its alert meeting_scheduled; a meeting id already stored for another alert fails the step (not retried) and changes nothing.",
    inputSchema: RecordMeetingInput,
    outputSchema: RecordMeetingOutput,
    async run(_ctx, input) {
      const nowMs = deps.clock.nowMs();
      const { meeting, context } = input;
      const stored = await deps.db.transaction().execute(async (trx) => {
        const { outcome, meeting: row } = await upsertMeeting(trx, {
          meeting_id: meeting.meeting_id,
          alert_id: input.alert_id ?? null,
          meeting_url: meeting.meeting_url,
          title: meeting.title ?? context?.title ?? 'Meeting',
          description: meeting.description ?? null,
          scheduled_time: meeting.scheduled_time ?? null,
          duration_minutes: meeting.duration_minutes ?? context?.duration_minutes ?? null,
          attendees: json(meeting.attendees ?? context?.attendees ?? []),
          urgency_level: context?.urgency_level ?? null,
          why_scheduled: context?.why_scheduled ?? null,
          discussion_points: json(context?.discussion_points ?? []),
          status: 'scheduled',
          created_at: nowMs,
          updated_at: nowMs,
        });
        if (outcome === 'meeting_of_another_alert') throw meetingOfAnotherAlert(meeting.meeting_id, row.alert_id, input.alert_id);
        if (input.alert_id !== undefined) await setAlertStatus(trx, { alertId: input.alert_id, status: 'meeting_scheduled', meetingId: row.meeting_id, nowMs });
        return row;
      });
      return { meeting_id: stored.meeting_id, meeting_url: stored.meeting_url, alert_id: stored.alert_id, status: stored.status };
    },
  };

  const alertStatus: Action<Static<typeof AlertStatusInput>, Static<typeof AlertStatusOutput>> = {
    name: 'alerts.set_status',
    description: 'Moves a stored alert on, e.g. to chainsync_updated once ChainSync has the meeting.',
    inputSchema: AlertStatusInput,
    outputSchema: AlertStatusOutput,
    run: async (_ctx, input) => ({ alert_id: input.alert_id, status: input.status, updated: await setAlertStatus(deps.db, { alertId: input.alert_id, status: input.status, nowMs: deps.clock.nowMs() }) }),
  };

  const meetingStatus: Action<Static<typeof MeetingStatusInput>, Static<typeof MeetingStatusOutput>> = {
    name: 'meetings.set_status',
    description:
      "Follows Slotify's meeting webhooks: a meeting becomes completed, cancelled or scheduled again; any other status, or none, is ignored (unknown meetings are reported, not an error).",
    inputSchema: MeetingStatusInput,
    outputSchema: MeetingStatusOutput,
    async run(_ctx, input) {
      const word = input.status?.trim().toLowerCase();
      const status = word === undefined ? undefined : meetingStatuses[word];
      if (status === undefined) return { meeting_id: input.meeting_id, status: word === undefined || word === '' ? null : word, updated: false, ignored: true, alert_id: null };
      const row = await setMeetingStatus(deps.db, { meetingId: input.meeting_id, status, nowMs: deps.clock.nowMs() });
      return { meeting_id: input.meeting_id, status, updated: row !== undefined, ignored: false, alert_id: row?.alert_id ?? null };
    },
  };

  return [recordAlert, chooseTime, recordMeeting, alertStatus, meetingStatus] as unknown as AnyAction[];
}
