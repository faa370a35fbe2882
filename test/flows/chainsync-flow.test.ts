import { afterEach, describe, expect, it } from 'vitest';
import { dialects } from '../support/test-database.js';
import { startTestSwitchboard, type TestSwitchboard } from '../support/test-switchboard.js';
import { startChainSyncApiServer, type ChainSyncApiServer } from '../support/chainsync-api-server.js';
import { startSlotifyApiServer, type SlotifyApiServer } from '../support/slotify-api-server.js';
import { signWebhook } from '../management/sign-webhook.js';
import { eventually } from '../support/eventually.js';

const WEBHOOK_SECRET = 'chainsync-hmac-secret-key';
const WEBHOOK_API_KEY = 'chainsync-webhook-api-key';

/** Seed 000's example alert. */
const alert = (alertId: string, fields: Record<string, unknown> = {}) => ({
  alert_id: alertId,
  alert_type: 'system_failure',
  severity: 'critical',
  description: 'Database connection pool exhausted',
  affected_systems: ['API Gateway', 'User Service'],
  detected_at: '2025-11-26T10:30:00Z',
  context: { connection_count: 100, max_connections: 100 },
  ...fields,
});

describe.each(dialects)('ChainSync → agents → Slotify, end to end (%s)', (dialect) => {
  let sb: TestSwitchboard | undefined;
  let slotify: SlotifyApiServer | undefined;
  let chainsync: ChainSyncApiServer | undefined;
  afterEach(async () => {
    await sb?.stop();
    await Promise.all([slotify?.close(), chainsync?.close()]);
    sb = slotify = chainsync = undefined;
  });

  async function start() {
    [slotify, chainsync] = await Promise.all([startSlotifyApiServer(), startChainSyncApiServer()]);
    sb = await startTestSwitchboard({
      dialect,
      listen: true,
      config: {
        'flows.chainsync': { enabled: true, webhook_secret: WEBHOOK_SECRET, webhook_api_key: WEBHOOK_API_KEY, response_timeout_ms: 5000, retry: { base_delay_ms: 100, max_delay_ms: 400 } },
        'actions.slotify': { base_url: slotify.url, api_key: slotify.apiKey },
        'actions.chainsync': { base_url: chainsync.url, api_key: chainsync.apiKey },
        'agents.team_mapping': { default: ['devops@company.com', 'sre@company.com'] },
      },
    });
    const server = sb;
    const post = async (path: string, body: unknown, headers: Record<string, string> = {}) => {
      const raw = Buffer.from(JSON.stringify(body));
      const response = await fetch(`${server.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': WEBHOOK_API_KEY, ...signWebhook('chainsync', raw, WEBHOOK_SECRET, { nowMs: Date.now() }), ...headers },
        body: raw,
      });
      return { status: response.status, body: (await response.json()) as any }; // eslint-disable-line @typescript-eslint/no-explicit-any
    };
    const get = async (path: string) => (await (await fetch(`${server.url}${path}`)).json()) as any; // eslint-disable-line @typescript-eslint/no-explicit-any
    return { post, get, slotify, chainsync, sb: server };
  }

  it("answers seed 000's JSON after the agents ran, the meeting was created and ChainSync updated; everything is stored", async () => {
    const { post, get, slotify, chainsync, sb } = await start();
    const before = Date.now();
    const answer = await post('/webhooks/chainsync/alert', alert('chainsync-alert-12345'));
    expect(answer.status).toBe(200);
    const [meeting] = [...slotify.meetings.values()];
    expect(answer.body).toEqual({
      status: 'success',
      message: 'Alert processed and meeting created',
      data: {
        alert_id: 'chainsync-alert-12345',
        meeting_id: meeting?.id,
        meeting_url: meeting?.meeting_url,
        urgency: { level: 'CRITICAL', score: expect.any(Number), recommended_response_time: '< 1 hour' },
      },
      timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    // The meeting: the briefing, the attendees, within the hour for a CRITICAL alert, keyed on the alert.
    expect(meeting).toMatchObject({ attendees: ['devops@company.com', 'sre@company.com'], alert_reference: 'chainsync-alert-12345', duration_minutes: 60 });
    expect(meeting?.title).toContain('System Failure');
    expect(Date.parse(meeting?.scheduled_time ?? '') - before).toBeLessThanOrEqual(3_600_000);
    const create = slotify.received.find((r) => r.method === 'POST' && r.path === '/meetings');
    expect(create?.headers['idempotency-key']).toBe('alert:chainsync-alert-12345');
    expect(chainsync.updates).toEqual([expect.objectContaining({ alert_id: 'chainsync-alert-12345', status: 'meeting_scheduled', meeting_url: meeting?.meeting_url, notes: 'AI analysis complete. Meeting scheduled.' })]);

    const meetings = await get('/meetings/recent');
    expect(meetings.meetings).toEqual([expect.objectContaining({ meeting_id: meeting?.id, alert_id: 'chainsync-alert-12345', meeting_url: meeting?.meeting_url, urgency_level: 'CRITICAL', status: 'scheduled' })]);
    expect(meetings.meetings[0].why_scheduled).toEqual(expect.any(String));
    expect(meetings.meetings[0].discussion_points.length).toBeGreaterThan(0);
    const alerts = await get('/alerts/recent');
    expect(alerts.alerts).toEqual([
      expect.objectContaining({ alert_id: 'chainsync-alert-12345', urgency_level: 'CRITICAL', meeting_created: true, meeting_id: meeting?.id, status: 'chainsync_updated', compliance_status: expect.stringMatching(/COMPLIANT/) }),
    ]);
    expect(alerts.alerts[0].root_cause).toEqual(expect.any(String));
    const status = await get('/status');
    expect(status).toMatchObject({ status: 'operational', stats: { alerts_processed: 1, meetings_created: 1 }, integrations: { slotify: { configured: true }, chainsync: { configured: true } } });
    const learned = await sb.store.db.selectFrom('learning_data').select(['agent_name', 'alert_id']).execute();
    expect(learned).toEqual([expect.objectContaining({ alert_id: 'chainsync-alert-12345' })]);
  });

  it('the same alert twice is one meeting, and the repeat gets the same answer', async () => {
    const { post, slotify } = await start();
    const first = await post('/webhooks/chainsync/alert', alert('dup-1'));
    const second = await post('/webhooks/chainsync/alert', alert('dup-1', { description: 'sent again' }));
    expect(second.status).toBe(200);
    expect(second.body.data).toEqual(first.body.data);
    // Through the batch endpoint too (another source): still one meeting for the alert.
    const batch = await post('/webhooks/chainsync/alerts/batch', [alert('dup-1'), alert('batch-2', { severity: 'low', affected_systems: ['Reporting'] })]);
    expect(batch.status).toBe(200);
    expect(batch.body.results.map((r: { status: string; response: { data: { alert_id: string } } }) => [r.status, r.response.data.alert_id])).toEqual([
      ['accepted', 'dup-1'],
      ['accepted', 'batch-2'],
    ]);
    expect(batch.body.results[0].response.data.meeting_id).toBe(first.body.data.meeting_id);
    // Each item's own analysis: a low-severity alert on a non-critical system is not CRITICAL.
    expect(batch.body.results[1].response.data.urgency.level).not.toBe(batch.body.results[0].response.data.urgency.level);
    expect(slotify.meetings.size).toBe(2);
  });

  it('a batch of new alerts runs them side by side, each answered with its meeting', async () => {
    const { post, slotify } = await start();
    const alerts = Array.from({ length: 5 }, (_, i) => alert(`side-by-side-${i}`));
    const batch = await post('/webhooks/chainsync/alerts/batch', alerts);
    expect(batch.status).toBe(200);
    expect(batch.body.count).toBe(5);
    for (const [index, result] of (batch.body.results as { response_status: number; response: { message: string; data: { alert_id: string } } }[]).entries()) {
      expect(result.response_status, JSON.stringify(result)).toBe(200);
      expect(result.response).toMatchObject({ status: 'success', message: 'Alert processed and meeting created', data: { alert_id: `side-by-side-${index}` } });
    }
    expect(slotify.meetings.size).toBe(5);
  });

  it('Slotify down: the alert is analysed and stored, the answer says the meeting is pending; it is created when Slotify is back, then ChainSync is updated', async () => {
    const { post, get, slotify, chainsync } = await start();
    slotify.down();
    const answer = await post('/webhooks/chainsync/alert', alert('down-1'));
    expect(answer.status).toBe(202);
    expect(answer.body).toMatchObject({ status: 'accepted', data: { alert_id: 'down-1', meeting_id: null, meeting_url: null, meeting_status: 'pending', urgency: { level: 'CRITICAL' } } });
    expect((await get('/alerts/recent')).alerts).toEqual([expect.objectContaining({ alert_id: 'down-1', status: 'analyzed', meeting_created: false })]);
    expect(chainsync.updates).toEqual([]);
    slotify.up();
    const update = await eventually('ChainSync updated', () => chainsync.updates.find((u) => u.alert_id === 'down-1'));
    expect(update).toMatchObject({ status: 'meeting_scheduled', meeting_url: expect.stringContaining('/m/') });
    expect(slotify.meetings.size).toBe(1);
    await eventually('the alert marked updated', async () => ((await get('/alerts/recent')).alerts[0]?.status === 'chainsync_updated' ? true : undefined));
    // The repeat now gets the finished answer.
    expect((await post('/webhooks/chainsync/alert', alert('down-1'))).body).toMatchObject({ status: 'success', data: { meeting_url: update.meeting_url } });
  });

  it('ChainSync down: the meeting is created, its update retries until ChainSync is back', async () => {
    const { post, slotify, chainsync } = await start();
    chainsync.down();
    const answer = await post('/webhooks/chainsync/alert', alert('cs-down-1'));
    expect(answer.status).toBe(202);
    expect(answer.body).toMatchObject({ status: 'success', data: { meeting_status: 'scheduled', meeting_id: [...slotify.meetings.keys()][0] } });
    await eventually('ChainSync retried', () => (chainsync.received.filter((r) => r.path.startsWith('/alerts/')).length >= 2 ? true : undefined));
    chainsync.up();
    await eventually('ChainSync updated', () => chainsync.updates.find((u) => u.alert_id === 'cs-down-1'));
    expect(chainsync.updates).toHaveLength(1);
  });

  it("a meeting id Slotify reuses for another alert fails that alert's run and leaves the first alert's meeting as it was", async () => {
    const { post, get, slotify, chainsync } = await start();
    const first = await post('/webhooks/chainsync/alert', alert('reuse-1'));
    expect(first.status).toBe(200);
    const before = (await get('/meetings/recent')).meetings;
    // A restarted Slotify numbers its meetings from 1 again.
    (slotify.meetings as Map<string, unknown>).clear();
    const second = await post('/webhooks/chainsync/alert', alert('reuse-2', { description: 'Disk full on the reporting host', affected_systems: ['Reporting'] }));
    expect(second.status).toBe(502);
    expect(second.body.error).toMatchObject({ code: 'run_failed' });
    expect(second.body.error.message).toContain(`meeting "${first.body.data.meeting_id}" is already stored for alert "reuse-1", not alert "reuse-2"`);
    // Not retried: Slotify was asked once for the second alert.
    expect(slotify.received.filter((r) => r.method === 'POST' && r.path === '/meetings' && r.headers['idempotency-key'] === 'alert:reuse-2')).toHaveLength(1);
    expect((await get('/meetings/recent')).meetings).toEqual(before);
    const alerts = (await get('/alerts/recent')).alerts as { alert_id: string }[];
    expect(alerts.find((a) => a.alert_id === 'reuse-1')).toMatchObject({ meeting_id: first.body.data.meeting_id, status: 'chainsync_updated' });
    expect(alerts.find((a) => a.alert_id === 'reuse-2')).toMatchObject({ meeting_id: null, meeting_created: false, status: 'analyzed' });
    expect(chainsync.updates.map((u) => u.alert_id)).toEqual(['reuse-1']);
  });

  it("Slotify's meeting webhooks move a meeting to completed or cancelled", async () => {
    const { post, get } = await start();
    const created = await post('/webhooks/chainsync/alert', alert('m-1'));
    const meetingId = created.body.data.meeting_id as string;
    const completed = await post('/webhooks/slotify/meeting', { event: 'meeting.completed', meeting_id: meetingId, status: 'completed' });
    expect(completed.body).toMatchObject({ status: 'success', data: { meeting_id: meetingId, status: 'completed', alert_id: 'm-1' } });
    expect((await get('/meetings/recent')).meetings[0]).toMatchObject({ meeting_id: meetingId, status: 'completed' });
    const cancelled = await post('/webhooks/slotify/meeting', { type: 'meeting.cancelled', meeting: { id: meetingId } });
    expect(cancelled.body.data).toMatchObject({ status: 'cancelled' });
    expect((await get('/status')).stats).toMatchObject({ meetings_cancelled: 1 });
  });

  it("a meeting webhook without a status Switchboard follows changes nothing, and its answer says it was ignored", async () => {
    const { post, get, sb } = await start();
    const created = await post('/webhooks/chainsync/alert', alert('m-ignored'));
    const meetingId = created.body.data.meeting_id as string;
    // Neither status nor type: the event type is the default webhook.received, which is no status.
    const bare = await post('/webhooks/slotify/meeting', { meeting_id: meetingId });
    expect(bare.status).toBe(200);
    expect(bare.body).toMatchObject({ status: 'success', message: expect.stringMatching(/^Ignored/), data: { meeting_id: meetingId, status: null } });
    // A type or status that is not an end (or a reschedule) of the meeting.
    const other = await post('/webhooks/slotify/meeting', { type: 'meeting.created', meeting_id: meetingId });
    expect(other.body).toMatchObject({ message: expect.stringMatching(/^Ignored/), data: { meeting_id: meetingId, status: 'created' } });
    const junk = await post('/webhooks/slotify/meeting', { meeting_id: meetingId, status: 'in_progress' });
    expect(junk.body).toMatchObject({ message: expect.stringMatching(/^Ignored/), data: { status: 'in_progress' } });
    expect((await get('/meetings/recent')).meetings[0]).toMatchObject({ meeting_id: meetingId, status: 'scheduled' });
    const runs = await sb.store.db.selectFrom('runs').select(['status']).where('route_id', '=', 'slotify-meeting').execute();
    expect(runs.map((run) => run.status)).toEqual(['succeeded', 'succeeded', 'succeeded']);
  });

  it('refuses unsigned, wrongly signed or keyless alerts and stores nothing', async () => {
    const { post, get, sb } = await start();
    expect((await post('/webhooks/chainsync/alert', alert('bad-1'), { 'x-webhook-signature': 'deadbeef' })).status).toBe(401);
    expect((await post('/webhooks/chainsync/alert', alert('bad-2'), { 'x-api-key': 'wrong-key-value' })).body.error.code).toBe('api_key_invalid');
    const stale = Buffer.from(JSON.stringify(alert('bad-3')));
    const old = signWebhook('chainsync', stale, WEBHOOK_SECRET, { nowMs: Date.now() - 3_600_000 });
    const refused = await fetch(`${sb.url}/webhooks/chainsync/alert`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': WEBHOOK_API_KEY, ...old }, body: stale });
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('timestamp_out_of_window');
    expect((await get('/alerts/recent')).alerts).toEqual([]);
  });
  it('refuses an alert or a meeting webhook that is not JSON with 415, and stores nothing', async () => {
    const { get, sb } = await start();
    const send = async (path: string, contentType: string | undefined, text: string) => {
      const raw = Buffer.from(text);
      const headers: Record<string, string> = { 'x-api-key': WEBHOOK_API_KEY, ...signWebhook('chainsync', raw, WEBHOOK_SECRET, { nowMs: Date.now() }) };
      if (contentType !== undefined) headers['content-type'] = contentType;
      const response = await fetch(`${sb.url}${path}`, { method: 'POST', headers, body: raw });
      return { status: response.status, body: (await response.json()) as { error: { code: string; message: string } } };
    };
    const json = JSON.stringify(alert('not-json-1'));
    // curl --data without a JSON content type sends a form; others send text, XML, or no type at all.
    const refusals = [
      await send('/webhooks/chainsync/alert', 'application/x-www-form-urlencoded', 'alert_id=not-json-1&severity=critical'),
      await send('/webhooks/chainsync/alert', 'text/plain; charset=utf-8', json),
      await send('/webhooks/chainsync/alert', 'application/xml', '<alert><alert_id>not-json-1</alert_id></alert>'),
      await send('/webhooks/chainsync/alert', undefined, json),
      await send('/webhooks/chainsync/alerts/batch', 'text/plain', `[${json}]`),
      await send('/webhooks/slotify/meeting', 'application/x-www-form-urlencoded', 'meeting_id=slotify-meeting-1&status=completed'),
    ];
    for (const refused of refusals) {
      expect(refused.status, JSON.stringify(refused.body)).toBe(415);
      expect(refused.body.error.code).toBe('unsupported_media_type');
      expect(refused.body.error.message).toContain('not accepted by this endpoint; it accepts application/json, *+json');
    }
    // Before the signature: a non-JSON body is refused however it is signed.
    expect((await send('/webhooks/chainsync/alert', 'text/plain', 'hello')).status).toBe(415);
    expect(await sb.store.db.selectFrom('events').select('id').execute()).toEqual([]);
    expect((await get('/alerts/recent')).alerts).toEqual([]);
    // Refused before the body is read, so logged once the answer is sent.
    const logged = await eventually('every refusal logged', async () => {
      const rows = await sb.store.db.selectFrom('webhook_request_logs').select(['outcome', 'reason', 'status_code']).execute();
      return rows.length >= refusals.length + 1 ? rows : undefined;
    });
    expect(logged).toHaveLength(refusals.length + 1);
    expect(new Set(logged.map((row) => `${row.outcome} ${row.reason} ${row.status_code}`))).toEqual(new Set(['rejected unsupported_media_type 415']));
    // JSON with parameters, and JSON media types, are still JSON.
    const accepted = await send('/webhooks/chainsync/alert', 'application/json; charset=utf-8', json);
    expect(accepted.status).toBe(200);
  });
});
