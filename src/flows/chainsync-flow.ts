import type { FlowsConfig } from '../config/flows-config-schema.js';
import type { EndpointRegistration } from '../ingress/webhooks/endpoint-registration.js';
import type { FlowDefinition } from './flow-definition.js';

/** Endpoint and route ids the ChainSync flow installs (docs/chainsync.md). */
export const chainsyncFlowIds = {
  alertEndpoint: 'chainsync-alerts',
  batchEndpoint: 'chainsync-alerts-batch',
  meetingEndpoint: 'slotify-meetings',
  alertRoute: 'chainsync-alert',
  meetingRoute: 'slotify-meeting',
} as const;

/** The urgency block of seed 000's answer. */
const urgency = { level: '=steps.triage.level', score: '=steps.triage.score', recommended_response_time: '=steps.triage.recommended_response_time' };

/**
 * Seed 000 as a flow. `POST /webhooks/chainsync/alert` (and `/webhooks/chainsync/alerts/batch`, an
 * array of alerts) runs triage → rca → compliance → meeting_context → alert stored → meeting time
 * → Slotify meeting → meeting stored → ChainSync updated → learning, and answers with seed 000's
 * JSON. When Slotify (or ChainSync) cannot be reached, the answer comes as soon as the step waits for
 * its retry: the alert is analysed and stored, `data.meeting_status` is `pending`, and the run goes
 * on: the meeting is created when Slotify is back, then ChainSync is updated. The same alert twice
 * is one event (idempotency on `alert_id`) and one meeting (Slotify's Idempotency-Key is
 * `alert:<alert_id>`, and `meetings` holds one row per alert). `POST /webhooks/slotify/meeting`
 * moves a meeting to completed or cancelled (or scheduled again); any other status, or none, is ignored.
 */
export function chainsyncFlow(settings: FlowsConfig['chainsync']): FlowDefinition {
  const secret = settings.webhook_secret;
  const apiKey = settings.webhook_api_key;
  if (secret === undefined) return { problem: 'flows.chainsync.webhook_secret (CHAINSYNC_WEBHOOK_SECRET) is required when flows.chainsync.enabled is true' };
  const signed = (endpointId: string, path: string, extra: Partial<EndpointRegistration> = {}): EndpointRegistration => ({
    endpoint_id: endpointId,
    path,
    verification: { scheme: 'chainsync' },
    // ChainSync and Slotify send JSON; any other body would be stored and its run fail (or, a form, be read as an alert).
    content_types: ['application/json', '*+json'],
    secret,
    ...(apiKey === undefined ? {} : { api_key: apiKey }),
    ...extra,
  });
  const retry = { max_attempts: settings.retry.max_attempts, base_delay_ms: settings.retry.base_delay_ms, max_delay_ms: settings.retry.max_delay_ms };
  const alertId = 'event.data.alert_id';
  const created = '$exists(steps.meeting)';
  return {
    endpoints: [
      signed(chainsyncFlowIds.alertEndpoint, '/webhooks/chainsync/alert', { idempotency: { json_pointer: '/alert_id' }, event_type: { json_pointer: '/alert_type' } }),
      signed(chainsyncFlowIds.batchEndpoint, '/webhooks/chainsync/alerts/batch', { idempotency: { json_pointer: '/alert_id' }, event_type: { json_pointer: '/alert_type' }, split: { json_pointer: '' } }),
      signed(chainsyncFlowIds.meetingEndpoint, '/webhooks/slotify/meeting'),
    ],
    routes: [
      {
        id: chainsyncFlowIds.alertRoute,
        description: 'Seed 000: a ChainSync alert analysed by the agents, a Slotify meeting scheduled, ChainSync updated.',
        match: { source: `${chainsyncFlowIds.alertEndpoint}*` },
        steps: [
          { name: 'triage', kind: 'agent', agent: 'triage', with: { alert: 'event.data' } },
          { name: 'rca', kind: 'agent', agent: 'rca', with: { alert: 'event.data' } },
          { name: 'compliance', kind: 'agent', agent: 'compliance', with: { alert: 'event.data' } },
          { name: 'meeting_context', kind: 'agent', agent: 'meeting_context', with: { alert: 'event.data', triage: 'steps.triage', rca: 'steps.rca', compliance: 'steps.compliance' } },
          { name: 'record', kind: 'action', action: 'alerts.record', with: { alert: 'event.data', triage: 'steps.triage', rca: 'steps.rca', compliance: 'steps.compliance', event_id: 'event.id' } },
          {
            name: 'slot',
            kind: 'action',
            action: 'meetings.choose_time',
            with: { urgency_level: 'steps.triage.level', attendees: 'steps.meeting_context.attendees', duration_minutes: 'steps.meeting_context.duration_minutes' },
          },
          {
            name: 'meeting',
            kind: 'action',
            action: 'slotify.create_meeting',
            with: {
              title: 'steps.meeting_context.title',
              description: 'steps.meeting_context.why_scheduled & "\\n\\nDiscussion points:\\n- " & $join(steps.meeting_context.discussion_points, "\\n- ")',
              scheduled_time: 'steps.slot.scheduled_time',
              duration_minutes: 'steps.meeting_context.duration_minutes',
              attendees: 'steps.meeting_context.attendees',
              alert_reference: alertId,
              idempotency_key: `"alert:" & ${alertId}`,
            },
            retry,
          },
          { name: 'stored_meeting', kind: 'action', action: 'meetings.record', with: { alert_id: alertId, meeting: 'steps.meeting', context: 'steps.meeting_context' } },
          {
            name: 'chainsync_update',
            kind: 'action',
            action: 'chainsync.update_alert_status',
            with: { alert_id: alertId, status: '"meeting_scheduled"', meeting_url: 'steps.meeting.meeting_url', notes: '"AI analysis complete. Meeting scheduled."' },
            retry,
          },
          { name: 'alert_updated', kind: 'action', action: 'alerts.set_status', with: { alert_id: alertId, status: '"chainsync_updated"' } },
          { name: 'learning', kind: 'agent', agent: 'learning', with: { alert: 'event.data', root_cause: 'steps.rca.root_cause' } },
        ],
        respond: {
          mode: 'sync',
          timeout_ms: settings.response_timeout_ms,
          status: 200,
          response: {
            status: 'success',
            message: 'Alert processed and meeting created',
            data: { alert_id: `=${alertId}`, meeting_id: '=steps.meeting.meeting_id', meeting_url: '=steps.meeting.meeting_url', urgency },
            timestamp: '=$now()',
          },
          pending: {
            status: 202,
            response: {
              status: `=${created} ? "success" : "accepted"`,
              message: `=${created} ? "Alert processed and meeting created; updating ChainSync" : "Alert processed; the meeting is pending and will be created when Slotify is reachable"`,
              data: {
                alert_id: `=${alertId}`,
                meeting_id: `=${created} ? steps.meeting.meeting_id : null`,
                meeting_url: `=${created} ? steps.meeting.meeting_url : null`,
                meeting_status: `=${created} ? "scheduled" : "pending"`,
                urgency,
              },
              timestamp: '=$now()',
            },
          },
        },
      },
      {
        id: chainsyncFlowIds.meetingRoute,
        description: "Seed 000: Slotify's meeting webhooks move a meeting to completed or cancelled.",
        match: { source: chainsyncFlowIds.meetingEndpoint },
        steps: [
          {
            name: 'status',
            kind: 'action',
            action: 'meetings.set_status',
            with: {
              meeting_id: '$string($exists(event.data.meeting_id) ? event.data.meeting_id : ($exists(event.data.meeting.id) ? event.data.meeting.id : event.data.id))',
              // Without a status and a `type`, the event type is the default webhook.received: no status is given then.
              status: '$exists(event.data.status) ? event.data.status : ($exists(event.data.meeting.status) ? event.data.meeting.status : ($exists(event.data.type) ? $substringAfter(event.type, ".")))',
            },
          },
        ],
        respond: {
          mode: 'sync',
          timeout_ms: 10_000,
          response: {
            status: 'success',
            message: '=steps.status.ignored ? "Ignored: not a status Switchboard follows (completed, cancelled, scheduled); the meeting is unchanged" : (steps.status.updated ? "Meeting updated" : "Unknown meeting")',
            data: { meeting_id: '=steps.status.meeting_id', status: '=steps.status.status', alert_id: '=steps.status.alert_id' },
            timestamp: '=$now()',
          },
        },
      },
    ],
  };
}
