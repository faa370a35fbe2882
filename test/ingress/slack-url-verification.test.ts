import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSwitchboard, type TestSwitchboard } from '../support/test-switchboard.js';
import { countEvents, listLogs, post, registerEndpoint } from './support/ingress-client.js';

const SIGNING_SECRET = 'slack-signing-secret-0123456789';

/** Signs as Slack does: v0= + hex HMAC-SHA256 of `v0:{timestamp}:{body}` with the signing secret. */
function slackHeaders(body: string): Record<string, string> {
  const timestamp = String(Math.floor(Date.now() / 1000));
  const signature = createHmac('sha256', SIGNING_SECRET).update(`v0:${timestamp}:${body}`).digest('hex');
  return { 'content-type': 'application/json', 'x-slack-request-timestamp': timestamp, 'x-slack-signature': `v0=${signature}` };
}

describe('Slack Events API url_verification', () => {
  let sb: TestSwitchboard;
  beforeAll(async () => {
    sb = await startTestSwitchboard({ listen: true });
    await registerEndpoint(sb, { endpoint_id: 'slack-events', secret: SIGNING_SECRET, verification: { scheme: 'slack' } });
  });
  afterAll(async () => {
    await sb.stop();
  });

  it('echoes the challenge of a signed url_verification and stores no event', async () => {
    // Slack's documented handshake body.
    const body = JSON.stringify({ token: 'Jhj5dZrVaK7ZwHHjRyZWjbDl', challenge: '3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P', type: 'url_verification' });
    const before = await countEvents(sb);
    const response = await post(sb, '/integration/webhooks/slack-events', body, slackHeaders(body));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await response.json()).toEqual({ challenge: '3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P' });
    expect(await countEvents(sb)).toBe(before);
    const [log] = await listLogs(sb, 'slack-events');
    expect(log).toMatchObject({ outcome: 'ignored', reason: 'handshake', status: 200 });
  });

  it('refuses an unsigned url_verification: the challenge is only echoed after verification', async () => {
    const body = JSON.stringify({ challenge: 'x', type: 'url_verification' });
    const response = await post(sb, '/integration/webhooks/slack-events', body, { 'content-type': 'application/json' });
    expect(response.status).toBe(401);
    expect(await response.text()).not.toContain('"challenge"');
  });

  it('stores an event_callback as an event typed by its inner event', async () => {
    const body = JSON.stringify({ type: 'event_callback', event_id: 'Ev123', event: { type: 'app_mention', text: 'hi' } });
    const response = await post(sb, '/integration/webhooks/slack-events', body, slackHeaders(body));
    expect(response.status).toBe(202);
    const { event_id } = (await response.json()) as { event_id: string };
    const event = (await (await fetch(`${sb.url}/api/v1/events/${event_id}`, { headers: sb.auth })).json()) as Record<string, unknown>;
    expect(event).toMatchObject({ type: 'app_mention', idempotencykey: 'Ev123' });
  });
});
