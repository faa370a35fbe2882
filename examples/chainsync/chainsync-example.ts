import { createHmac } from 'node:crypto';
import { startChainSyncApiServer } from '../../test/support/chainsync-api-server.js';
import { startSlotifyApiServer } from '../../test/support/slotify-api-server.js';
import { baseUrlOverride, type Example } from '../support/example.js';
import { check, ExampleFailure } from '../support/example-failure.js';
import type { HttpAnswer } from '../support/http-transcript.js';
import { pollUntil } from '../support/poll-until.js';

/** Demo values of the environment variables `switchboard.yaml` interpolates; the stand-ins accept the same. */
const demoEnv = {
  SWITCHBOARD_ADMIN_KEY: 'example-admin-key-0123456789abcdef',
  CHAINSYNC_WEBHOOK_SECRET: 'example-chainsync-webhook-secret',
  CHAINSYNC_WEBHOOK_API_KEY: 'example-chainsync-webhook-api-key',
  SLOTIFY_API_KEY: 'example-slotify-api-key',
  CHAINSYNC_API_KEY: 'example-chainsync-api-key',
} as const;

/** Seed 000's example alert. */
const seedAlert = {
  alert_id: 'chainsync-alert-12345',
  alert_type: 'system_failure',
  severity: 'critical',
  description: 'Database connection pool exhausted',
  affected_systems: ['API Gateway', 'User Service'],
  detected_at: '2025-11-26T10:30:00Z',
  context: { connection_count: 100, max_connections: 100 },
};

/** A second, milder alert for the batch. */
const reportingAlert = {
  alert_id: 'chainsync-alert-12346',
  alert_type: 'performance_degradation',
  severity: 'low',
  description: 'Nightly report generation 20% slower than last week',
  affected_systems: ['Reporting'],
  detected_at: '2025-11-26T10:45:00Z',
};

/**
 * The headers ChainSync's MuleSoft flow sends: X-Webhook-Signature is the lower-case hex
 * HMAC-SHA256 of "<X-Webhook-Timestamp>.<raw body>", keyed with the webhook secret (as UTF-8);
 * X-API-Key is a second factor. Switchboard refuses a timestamp more than 5 minutes away.
 */
function signChainSyncWebhook(rawBody: string, nowMs = Date.now()): Record<string, string> {
  const timestamp = String(Math.floor(nowMs / 1000));
  const signature = createHmac('sha256', demoEnv.CHAINSYNC_WEBHOOK_SECRET).update(`${timestamp}.${rawBody}`).digest('hex');
  return { 'content-type': 'application/json', 'X-Webhook-Timestamp': timestamp, 'X-Webhook-Signature': signature, 'X-API-Key': demoEnv.CHAINSYNC_WEBHOOK_API_KEY };
}

/** Seed 000's answer to an alert (`data` of one batch item's `response` too). */
interface AlertAnswer {
  readonly status?: string;
  readonly data?: { readonly alert_id?: string; readonly meeting_id?: string | null; readonly meeting_url?: string | null; readonly urgency?: { readonly level?: string } };
}

const describe = (answer: HttpAnswer) => `${answer.status} ${answer.text.slice(0, 300)}`;

/** Seed 000: a signed ChainSync alert → the agents → a Slotify meeting → ChainSync updated. */
export const chainsyncExample: Example = {
  title: 'seed 000: ChainSync alert → agents → Slotify meeting → ChainSync updated',
  configFile: 'examples/chainsync/switchboard.yaml',
  async open(config, portOf) {
    const [slotify, chainsync] = await Promise.all([
      startSlotifyApiServer({ apiKey: demoEnv.SLOTIFY_API_KEY, port: portOf('slotify', config.baseUrl('slotify')) }),
      startChainSyncApiServer({ apiKey: demoEnv.CHAINSYNC_API_KEY, port: portOf('chainsync', config.baseUrl('chainsync')) }),
    ]);
    return {
      standIns: [
        { name: 'Slotify stand-in', url: slotify.url },
        { name: 'ChainSync stand-in', url: chainsync.url },
      ],
      env: {
        ...demoEnv,
        ...baseUrlOverride('SLOTIFY_API_URL', slotify.url, config.baseUrl('slotify')),
        ...baseUrlOverride('CHAINSYNC_API_URL', chainsync.url, config.baseUrl('chainsync')),
      },

      async run(http) {
        http.step("Seed 000's example alert, signed as ChainSync signs it");
        const alertBody = JSON.stringify(seedAlert);
        const first = await http.send('POST', '/webhooks/chainsync/alert', { headers: signChainSyncWebhook(alertBody), body: alertBody });
        const answer = first.body as AlertAnswer;
        check(first.status === 200 && answer.status === 'success', `the alert should be answered 200 with status "success" once the meeting exists and ChainSync is updated; got ${describe(first)}`);
        const meeting = slotify.meetings.get(answer.data?.meeting_id ?? '');
        check(meeting !== undefined && answer.data?.meeting_url === meeting.meeting_url, `the answer should name the meeting the Slotify stand-in created; it has ${[...slotify.meetings.keys()].join(', ') || 'none'}`);
        http.note(`Slotify stand-in: POST /meetings → ${meeting.id} "${meeting.title}" at ${meeting.scheduled_time} (${meeting.duration_minutes} min) with ${meeting.attendees.join(', ')}`);
        const update = chainsync.alerts.get(seedAlert.alert_id);
        check(update?.status === 'meeting_scheduled' && update.meeting_url === meeting.meeting_url, `the ChainSync stand-in should have the alert as meeting_scheduled with the meeting's URL; it has ${JSON.stringify(update)}`);
        http.note(`ChainSync stand-in: PUT /alerts/${update.alert_id}/status → ${update.status}, ${update.meeting_url}`);

        http.step('The same alert again, in a batch with a second one (one event and one run per item)');
        const batchBody = JSON.stringify([seedAlert, reportingAlert]);
        const batch = await http.send('POST', '/webhooks/chainsync/alerts/batch', { headers: signChainSyncWebhook(batchBody), body: batchBody });
        const results = (batch.body as { results?: Array<{ status?: string; response_status?: number; response?: AlertAnswer }> }).results ?? [];
        check(batch.status === 200 && results.length === 2 && results.every((result) => result.status === 'accepted'), `the batch should be answered 200 with two accepted items; got ${describe(batch)}`);
        check(results[0]?.response?.data?.meeting_id === meeting.id, `the repeated alert should get its first meeting (${meeting.id}) back, not a new one; got ${JSON.stringify(results[0]?.response)}`);
        check(results[1]?.response?.data?.alert_id === reportingAlert.alert_id && slotify.meetings.size === 2, `the second alert should get a meeting of its own (the Slotify stand-in has ${slotify.meetings.size})`);
        http.note(`Slotify stand-in: ${slotify.meetings.size} meetings in all; the repeated alert kept ${meeting.id}`);
        // An item's run that is still retrying a step when its answer is due answers 202 (meeting created, the rest pending); its retry finishes the run.
        for (const [index, result] of results.entries()) {
          if (result.response_status !== 200) http.note(`item ${index} answered ${String(result.response_status)}: a step is being retried (Switchboard's log says which); the run finishes on its own`);
        }

        http.step('Seed 000\'s status pages (public, no key)');
        type Status = { status?: string; stats?: { alerts_processed?: number; meetings_created?: number } };
        // Counted as the runs commit: polled, in case a batch item's run is still retrying a step.
        let status = await http.send('GET', '/status', { print: false });
        check(status.status === 200 && (status.body as Status).status === 'operational', `GET /status should be 200 "operational"; got ${describe(status)}`);
        const counted = (answer: HttpAnswer) => (answer.body as Status).stats?.alerts_processed === 2 && (answer.body as Status).stats?.meetings_created === 2;
        await pollUntil('GET /status to count 2 alerts and 2 meetings', async () => {
          status = await http.send('GET', '/status', { print: false });
          return counted(status) ? status : undefined;
        }).catch(() => {
          throw new ExampleFailure(`GET /status should count 2 alerts and 2 meetings; got ${JSON.stringify((status.body as Status).stats)}`);
        });
        http.show('GET', '/status', status);
        const meetings = await http.send('GET', '/meetings/recent');
        const listed = (meetings.body as { meetings?: Array<{ meeting_id?: string; alert_id?: string }> }).meetings ?? [];
        check(meetings.status === 200 && listed.some((row) => row.meeting_id === meeting.id && row.alert_id === seedAlert.alert_id), `GET /meetings/recent should list ${meeting.id}; got ${describe(meetings)}`);
        const alerts = await http.send('GET', '/alerts/recent');
        const stored = ((alerts.body as { alerts?: Array<{ alert_id?: string; status?: string; meeting_created?: boolean }> }).alerts ?? []).find((row) => row.alert_id === seedAlert.alert_id);
        check(alerts.status === 200 && stored?.status === 'chainsync_updated' && stored.meeting_created === true, `GET /alerts/recent should have ${seedAlert.alert_id} as chainsync_updated with its meeting; got ${JSON.stringify(stored)}`);
      },

      tryIt(url) {
        const body = JSON.stringify({ alert_id: 'try-1', alert_type: 'security_breach', severity: 'high', description: 'Unusual login pattern on admin accounts', affected_systems: ['User Service'], detected_at: '2025-11-26T11:00:00Z' });
        return [
          `Send an alert of your own (a new alert_id each time for a new meeting):`,
          ``,
          `  BODY='${body}'`,
          `  TS=$(date +%s)`,
          `  SIG=$(printf '%s.%s' "$TS" "$BODY" | openssl dgst -sha256 -hmac '${demoEnv.CHAINSYNC_WEBHOOK_SECRET}' | sed 's/^.* //')`,
          `  curl -sS ${url}/webhooks/chainsync/alert -H 'content-type: application/json' \\`,
          `    -H "X-Webhook-Timestamp: $TS" -H "X-Webhook-Signature: $SIG" -H 'X-API-Key: ${demoEnv.CHAINSYNC_WEBHOOK_API_KEY}' -d "$BODY"`,
          ``,
          `  curl -sS ${url}/alerts/recent      # also /status, /meetings/recent`,
          `  curl -sS '${url}/api/v1/runs?route=chainsync-alert' -H 'Authorization: Bearer ${demoEnv.SWITCHBOARD_ADMIN_KEY}'`,
        ];
      },

      watch(print) {
        let meetingsSeen = slotify.meetings.size;
        let updatesSeen = chainsync.updates.length;
        const timer = setInterval(() => {
          for (const meeting of [...slotify.meetings.values()].slice(meetingsSeen)) print(`[Slotify stand-in] meeting ${meeting.id} for ${meeting.alert_reference ?? '-'} at ${meeting.scheduled_time}: ${meeting.meeting_url}`);
          for (const update of chainsync.updates.slice(updatesSeen)) print(`[ChainSync stand-in] alert ${update.alert_id} → ${update.status}`);
          meetingsSeen = slotify.meetings.size;
          updatesSeen = chainsync.updates.length;
        }, 200);
        return () => clearInterval(timer);
      },

      close: async () => void (await Promise.all([slotify.close(), chainsync.close()])),
    };
  },
};
