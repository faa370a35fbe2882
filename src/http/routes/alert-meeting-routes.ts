import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { sql } from 'kysely';
import type { Selectable } from 'kysely';
import type { AlertsTable, MeetingsTable } from '../../store/database.js';
import { listRecentAlerts } from '../../store/alerts/list-recent-alerts.js';
import { listRecentMeetings } from '../../store/meetings/list-recent-meetings.js';
import type { AppDeps } from '../app-deps.js';

const RecentQuery = Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 10 })) });
const iso = (ms: number): string => new Date(Number(ms)).toISOString();
const json = (text: string | null): unknown => (text === null ? null : (JSON.parse(text) as unknown));

function meetingView(row: Selectable<MeetingsTable>) {
  return {
    meeting_id: row.meeting_id,
    alert_id: row.alert_id,
    meeting_url: row.meeting_url,
    title: row.title,
    scheduled_time: row.scheduled_time,
    duration_minutes: row.duration_minutes === null ? null : Number(row.duration_minutes),
    attendees: json(row.attendees),
    urgency_level: row.urgency_level,
    why_scheduled: row.why_scheduled,
    discussion_points: json(row.discussion_points),
    status: row.status,
    created_at: iso(row.created_at),
    updated_at: iso(row.updated_at),
  };
}

function alertView(row: Selectable<AlertsTable>) {
  return {
    alert_id: row.alert_id,
    alert_type: row.alert_type,
    severity: row.severity,
    description: row.description,
    affected_systems: json(row.affected_systems),
    detected_at: row.detected_at,
    urgency_level: row.urgency_level,
    urgency_score: row.urgency_score === null ? null : Number(row.urgency_score),
    root_cause: row.root_cause,
    compliance_status: row.compliance_status,
    meeting_created: Number(row.meeting_created) === 1,
    meeting_id: row.meeting_id,
    status: row.status,
    event_id: row.event_id,
    created_at: iso(row.created_at),
    updated_at: iso(row.updated_at),
  };
}

/**
 * Seed 000's status pages, public as the seed has them (no key): `GET /status`, `GET /meetings/recent`,
 * `GET /alerts/recent`. They show alert descriptions and meeting links: put them behind your proxy's
 * access rules when that matters.
 */
export async function alertMeetingRoutes(parent: FastifyInstance, deps: AppDeps): Promise<void> {
  const app = parent.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['chainsync'];

  app.get('/status', { schema: { tags, summary: 'System status: the store, the agents, the alert and meeting counts (seed 000)' } }, async () => {
    const { db } = deps.store;
    const n = sql<number>`count(*)`.as('n');
    const [alerts, withMeeting, meetings, completed, cancelled] = await Promise.all([
      db.selectFrom('alerts').select(n).executeTakeFirstOrThrow(),
      db.selectFrom('alerts').select(n).where('meeting_created', '=', 1).executeTakeFirstOrThrow(),
      db.selectFrom('meetings').select(n).executeTakeFirstOrThrow(),
      db.selectFrom('meetings').select(n).where('status', '=', 'completed').executeTakeFirstOrThrow(),
      db.selectFrom('meetings').select(n).where('status', '=', 'cancelled').executeTakeFirstOrThrow(),
    ]).then((rows) => rows.map((row) => Number(row.n)));
    const configured = (settings: { readonly base_url?: string | undefined }) => settings.base_url !== undefined;
    return {
      status: 'operational',
      timestamp: new Date(deps.clock.nowMs()).toISOString(),
      database: { dialect: deps.store.dialect, connected: true },
      agents: deps.agents.listAgents().map((agent) => agent.name),
      integrations: { slotify: { configured: configured(deps.config.actions.slotify) }, chainsync: { configured: configured(deps.config.actions.chainsync) } },
      stats: { alerts_processed: alerts, alerts_with_meeting: withMeeting, meetings_created: meetings, meetings_completed: completed, meetings_cancelled: cancelled },
    };
  });

  app.get('/meetings/recent', { schema: { tags, summary: 'The most recent meetings, newest first', querystring: RecentQuery } }, async (request) => {
    const meetings = (await listRecentMeetings(deps.store.db, request.query.limit ?? 10)).map(meetingView);
    return { meetings, count: meetings.length };
  });

  app.get('/alerts/recent', { schema: { tags, summary: 'The most recently processed alerts, newest first', querystring: RecentQuery } }, async (request) => {
    const alerts = (await listRecentAlerts(deps.store.db, request.query.limit ?? 10)).map(alertView);
    return { alerts, count: alerts.length };
  });
}
