import { inspect } from 'node:util';
import { Value } from 'typebox/value';
import { Agent, type Dispatcher } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeliveryConfig } from '../../../src/config/delivery-config-schema.js';
import type { Channel, SendOutcome } from '../../../src/delivery/channels/channel.js';
import { createSlackChannel } from '../../../src/delivery/channels/slack-channel.js';
import type { SlackDestination } from '../../../src/delivery/channels/slack-destination.js';
import { channelTarget, outboundMessage, sendContext, userProfile } from '../support/channel-fixtures.js';
import { closedPort } from '../support/closed-port.js';
import { openHandleBaseline } from '../support/open-handles.js';
import { startSilentTcpServer, type SilentTcpServer } from '../support/silent-tcp-server.js';
import { startSlackApiServer, type SlackApiServer } from '../support/slack-api-server.js';

/** An undici Agent that counts the requests it dispatches, to see which pool a request went through. */
class CountingAgent extends Agent {
  dispatched = 0;
  override dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    this.dispatched += 1;
    return super.dispatch(options, handler);
  }
}

describe('SLACK channel', () => {
  let slack: SlackApiServer;
  let userDispatcher: CountingAgent;
  let apiDispatcher: CountingAgent;
  const opened: Array<{ close(): Promise<void> }> = [];

  let handles: ReturnType<typeof openHandleBaseline>;

  beforeEach(async () => {
    handles = openHandleBaseline();
    slack = await startSlackApiServer({ tokens: ['xoxb-system-token', 'xoxb-user-token'] });
    userDispatcher = new CountingAgent();
    apiDispatcher = new CountingAgent();
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((resource) => resource.close()));
    await Promise.all([slack.close(), userDispatcher.close(), apiDispatcher.close()]);
    await handles.expectNoneLeft();
  });

  function settings(overrides: Partial<DeliveryConfig['slack']> = {}): DeliveryConfig['slack'] {
    return { base_url: slack.url, timeout_ms: 2_000, bot_token: 'xoxb-system-token', ...overrides };
  }

  function channel(overrides: Partial<DeliveryConfig['slack']> = {}): Channel<SlackDestination> {
    const created = createSlackChannel({ settings: settings(overrides), userUrlDispatcher: userDispatcher, apiDispatcher });
    opened.push(created);
    return created;
  }

  function destination(created: Channel<SlackDestination>, config: Record<string, unknown>, profile = userProfile()): SlackDestination {
    const resolved = created.resolveDestination(channelTarget(config, profile));
    if (!resolved.ok) throw new Error(`expected a destination, got ${resolved.code}: ${resolved.message}`);
    return resolved.destination;
  }

  async function send(created: Channel<SlackDestination>, config: Record<string, unknown>, overrides = {}, profile = userProfile()): Promise<SendOutcome> {
    return created.send(outboundMessage(overrides), destination(created, config, profile), sendContext());
  }

  describe('Web API chat.postMessage', () => {
    it('posts to the configured channel with the bot token, Block Kit blocks and a text fallback', async () => {
      const sb = channel();
      const outcome = await send(sb, { channel: 'C0ALERTS' });

      expect(outcome).toEqual({ kind: 'sent', statusCode: 200, providerMessageId: '1700000001.000001' });
      expect(slack.received).toHaveLength(1);
      const [request] = slack.received;
      expect(request).toMatchObject({ method: 'POST', path: '/api/chat.postMessage' });
      expect(request?.headers.authorization).toBe('Bearer xoxb-system-token');
      expect(request?.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(request?.body).toEqual({
        channel: 'C0ALERTS',
        text: '*Database connection pool exhausted*\nAPI Gateway and User Service are failing.\nConnections: 100 of 100.',
        blocks: [{ type: 'section', text: { type: 'mrkdwn', text: '*Database connection pool exhausted*\nAPI Gateway and User Service are failing.\nConnections: 100 of 100.' } }],
      });
      expect(apiDispatcher.dispatched).toBe(1);
      expect(userDispatcher.dispatched).toBe(0);
    });

    it("sends a DM to the profile's Slack member id when the config names no channel", async () => {
      const outcome = await send(channel(), {}, {}, userProfile({ slack_user_id: 'U0JANE' }));
      expect(outcome.kind).toBe('sent');
      expect(slack.received[0]?.body).toMatchObject({ channel: 'U0JANE' });
    });

    it("prefers the config's channel, then its slack_user_id, then the profile's id, then default_channel", async () => {
      const sb = channel({ default_channel: 'C0DEFAULT' });
      const profile = userProfile({ slack_user_id: 'U0PROFILE' });
      expect(destination(sb, { channel: 'C0MINE', slack_user_id: 'U0CONFIG' }, profile)).toMatchObject({ kind: 'api', channel: 'C0MINE' });
      expect(destination(sb, { slack_user_id: 'U0CONFIG' }, profile)).toMatchObject({ kind: 'api', channel: 'U0CONFIG' });
      expect(destination(sb, {}, profile)).toMatchObject({ kind: 'api', channel: 'U0PROFILE' });
      expect(destination(sb, {}, userProfile())).toMatchObject({ kind: 'api', channel: 'C0DEFAULT' });
      expect(destination(sb, {}, undefined)).toMatchObject({ kind: 'api', channel: 'C0DEFAULT' });
    });

    it("uses the user's own bot token over the system's", async () => {
      await send(channel(), { channel: 'C0ALERTS', bot_token: 'xoxb-user-token' });
      expect(slack.received[0]?.headers.authorization).toBe('Bearer xoxb-user-token');
    });

    it('mentions the user, replies in the thread from the data and names the agent when configured', async () => {
      const config = { channel: 'C0ALERTS', mention_user: true, thread_replies: true, include_agent_info: true };
      const data = { thread_ts: '1699999999.000200', agent_name: 'triage' };
      const outcome = await send(channel(), config, { data }, userProfile({ slack_user_id: 'U0JANE' }));

      expect(outcome.kind).toBe('sent');
      const body = slack.received[0]?.body as { text: string; blocks: unknown[]; thread_ts?: string };
      expect(body.thread_ts).toBe('1699999999.000200');
      expect(body.text).toBe('<@U0JANE> *Database connection pool exhausted*\nAPI Gateway and User Service are failing.\nConnections: 100 of 100.\nAgent: triage');
      expect(body.blocks).toEqual([
        { type: 'section', text: { type: 'mrkdwn', text: '<@U0JANE> *Database connection pool exhausted*\nAPI Gateway and User Service are failing.\nConnections: 100 of 100.' } },
        { type: 'context', elements: [{ type: 'mrkdwn', text: 'Agent: *triage*' }] },
      ]);
    });

    it('reads the thread from data.slack.thread_ts and the agent from data.agent or data.agent_id', async () => {
      const sb = channel();
      const config = { channel: 'C0ALERTS', thread_replies: true, include_agent_info: true };
      await send(sb, config, { data: { slack: { thread_ts: '1699999999.000300' }, agent: { name: 'rca' } } });
      await send(sb, config, { data: { agent_id: 'agent-42' } });
      const [first, second] = slack.received.map((request) => request.body as { thread_ts?: string; blocks: Array<{ type: string }> });
      expect(first?.thread_ts).toBe('1699999999.000300');
      expect(first?.blocks.at(-1)).toEqual({ type: 'context', elements: [{ type: 'mrkdwn', text: 'Agent: *rca*' }] });
      expect(second?.thread_ts).toBeUndefined();
      expect(second?.blocks.at(-1)).toEqual({ type: 'context', elements: [{ type: 'mrkdwn', text: 'Agent: *agent-42*' }] });
    });

    it('leaves mentions, threads and agent lines out unless configured', async () => {
      await send(channel(), { channel: 'C0ALERTS' }, { data: { thread_ts: '1699999999.000200', agent_name: 'triage' } }, userProfile({ slack_user_id: 'U0JANE' }));
      const body = slack.received[0]?.body as { text: string; blocks: unknown[]; thread_ts?: string };
      expect(body.thread_ts).toBeUndefined();
      expect(body.text.startsWith('*Database')).toBe(true);
      expect(body.blocks).toHaveLength(1);
    });

    it('escapes &, < and > so a body can neither ping @channel nor forge a link', async () => {
      await send(channel(), { channel: 'C0ALERTS' }, { subject: undefined, body: 'Tell <!channel> & <https://evil.example|your bank>' });
      expect((slack.received[0]?.body as { text: string }).text).toBe('Tell &lt;!channel&gt; &amp; &lt;https://evil.example|your bank&gt;');
    });

    it('splits a long body into sections of at most 3,000 characters', async () => {
      const body = Array.from({ length: 1_500 }, (_, index) => `word${index}`).join(' ');
      await send(channel(), { channel: 'C0ALERTS' }, { subject: undefined, body });
      const blocks = (slack.received[0]?.body as { blocks: Array<{ text: { text: string } }> }).blocks;
      expect(blocks.length).toBeGreaterThan(3);
      expect(blocks.every((block) => block.text.text.length <= 3_000)).toBe(true);
      expect(blocks.map((block) => block.text.text).join(' ')).toBe(body);
    });
  });

  describe('Web API failures', () => {
    it.each([
      ['channel_not_found', false],
      ['not_in_channel', false],
      ['is_archived', false],
      ['msg_too_long', false],
      ['missing_scope', false],
      ['token_revoked', false],
      ['cannot_dm_bot', false],
      ['ratelimited', true],
      ['internal_error', true],
      ['service_unavailable', true],
      ['a_code_slack_added_later', true],
    ])('maps ok:false %s to slack_%s, retryable %s', async (error, retryable) => {
      slack.failNext(1, { error });
      const outcome = await send(channel(), { channel: 'C0ALERTS' });
      expect(outcome).toMatchObject({ kind: 'failed', retryable, code: `slack_${error}`, statusCode: 200 });
    });

    it('fails permanently with slack_invalid_auth for a token Slack does not know, without showing the token', async () => {
      const outcome = await send(channel({ bot_token: 'xoxb-wrong-token' }), { channel: 'C0ALERTS' });
      expect(outcome).toMatchObject({ kind: 'failed', retryable: false, code: 'slack_invalid_auth' });
      expect(JSON.stringify(outcome)).not.toContain('xoxb-wrong-token');
    });

    it('fails permanently with slack_no_text for a message without text', async () => {
      const outcome = await send(channel(), { channel: 'C0ALERTS' }, { subject: undefined, body: '' });
      expect(outcome).toMatchObject({ kind: 'failed', retryable: false, code: 'slack_no_text' });
    });

    it('retries after the Retry-After of an HTTP 429', async () => {
      slack.failNext(1, { status: 429, error: 'ratelimited', retryAfterSeconds: 3 });
      const outcome = await send(channel(), { channel: 'C0ALERTS' });
      expect(outcome).toMatchObject({ kind: 'failed', retryable: true, code: 'slack_ratelimited', statusCode: 429, retryAfterMs: 3_000 });
    });

    it('retries a 5xx and keeps the status as the code when the body is not Slack JSON', async () => {
      slack.failNext(1, { status: 503, body: '<html>upstream unavailable</html>' });
      const outcome = await send(channel(), { channel: 'C0ALERTS' });
      expect(outcome).toMatchObject({ kind: 'failed', retryable: true, code: 'http_503', statusCode: 503 });
    });

    it('does not follow a redirect: a 3xx is permanent', async () => {
      slack.failNext(1, { status: 302, body: '' });
      const outcome = await send(channel(), { channel: 'C0ALERTS' });
      expect(outcome).toMatchObject({ kind: 'failed', retryable: false, code: 'http_302' });
      expect(slack.received).toHaveLength(1);
    });

    it('retries a 200 that is not a Web API answer', async () => {
      slack.failNext(1, { status: 200, body: 'hello from a captive portal' });
      const outcome = await send(channel(), { channel: 'C0ALERTS' });
      expect(outcome).toMatchObject({ kind: 'failed', retryable: true, code: 'slack_invalid_response' });
    });

    it('times out after timeout_ms when Slack never answers', async () => {
      slack.failNext(1, 'hang');
      const startedAt = performance.now();
      const outcome = await send(channel({ timeout_ms: 200 }), { channel: 'C0ALERTS' });
      expect(outcome).toMatchObject({ kind: 'failed', retryable: true, code: 'timeout' });
      expect(performance.now() - startedAt).toBeLessThan(2_000);
    });

    it('stops when the caller aborts the attempt', async () => {
      slack.failNext(1, 'hang');
      const sb = channel({ timeout_ms: 10_000 });
      const controller = new AbortController();
      const sending = sb.send(outboundMessage(), destination(sb, { channel: 'C0ALERTS' }), sendContext(controller.signal));
      setTimeout(() => controller.abort(), 50);
      expect(await sending).toMatchObject({ kind: 'failed', retryable: true, code: 'aborted' });
    });

    it('retries when the connection is refused', async () => {
      const sb = channel({ base_url: `http://127.0.0.1:${await closedPort()}` });
      expect(await send(sb, { channel: 'C0ALERTS' })).toMatchObject({ kind: 'failed', retryable: true, code: 'connection_failed' });
    });
  });

  describe('incoming webhooks', () => {
    it("posts to the user's webhook URL through the user-URL dispatcher, ahead of any token", async () => {
      const sb = channel();
      const resolved = destination(sb, { webhook_url: slack.webhookUrl, channel: 'C0IGNORED' });
      expect(resolved).toMatchObject({ kind: 'webhook', owner: 'user', origin: slack.url });
      expect(sb.breakerKey(resolved)).toBe(`slack-webhook:${slack.url}`);

      const outcome = await sb.send(outboundMessage({ data: { agent: 'triage' } }), resolved, sendContext());
      expect(outcome).toEqual({ kind: 'sent', statusCode: 200 });
      const [request] = slack.received;
      expect(request).toMatchObject({ method: 'POST', path: '/services/T000/B000/XXXX', route: 'webhook' });
      expect(request?.headers.authorization).toBeUndefined();
      expect(request?.body).toMatchObject({ text: expect.stringContaining('*Database connection pool exhausted*'), blocks: [{ type: 'section' }] });
      expect(userDispatcher.dispatched).toBe(1);
      expect(apiDispatcher.dispatched).toBe(0);
    });

    it('uses the system webhook URL, through the API dispatcher, when there is no bot token', async () => {
      const sb = channel({ bot_token: undefined, webhook_url: slack.webhookUrl });
      const resolved = destination(sb, {});
      expect(resolved).toMatchObject({ kind: 'webhook', owner: 'system' });
      expect(await sb.send(outboundMessage(), resolved, sendContext())).toEqual({ kind: 'sent', statusCode: 200 });
      expect(apiDispatcher.dispatched).toBe(1);
      expect(userDispatcher.dispatched).toBe(0);
    });

    it("disables the user's config on a 410 from their webhook", async () => {
      slack.failNext(1, { status: 410, error: 'channel_is_archived' }, 'webhook');
      const outcome = await send(channel(), { webhook_url: slack.webhookUrl });
      expect(outcome).toMatchObject({ kind: 'failed', retryable: false, code: 'slack_channel_is_archived', statusCode: 410, disableChannel: true });
    });

    it('does not disable anything on a 410 from the system webhook', async () => {
      slack.failNext(1, { status: 410, error: 'channel_is_archived' }, 'webhook');
      const outcome = await send(channel({ bot_token: undefined, webhook_url: slack.webhookUrl }), {});
      expect(outcome).toMatchObject({ kind: 'failed', retryable: false, code: 'slack_channel_is_archived' });
      expect(outcome).not.toHaveProperty('disableChannel');
    });

    it.each([
      [400, 'invalid_payload'],
      [400, 'no_text'],
      [403, 'invalid_token'],
      [403, 'action_prohibited'],
      [404, 'channel_not_found'],
      [404, 'no_service'],
    ])('fails permanently on %i %s', async (status, error) => {
      slack.failNext(1, { status, error }, 'webhook');
      const outcome = await send(channel(), { webhook_url: slack.webhookUrl });
      expect(outcome).toMatchObject({ kind: 'failed', retryable: false, code: `slack_${error}`, statusCode: status });
      expect(outcome).not.toHaveProperty('disableChannel');
    });

    it('retries a 5xx and a 429 with its Retry-After', async () => {
      slack.program('webhook', { status: 500, body: 'internal error' }, { status: 429, error: 'rate_limited', retryAfterSeconds: 7 });
      const sb = channel();
      expect(await send(sb, { webhook_url: slack.webhookUrl })).toMatchObject({ kind: 'failed', retryable: true, code: 'http_500' });
      expect(await send(sb, { webhook_url: slack.webhookUrl })).toMatchObject({ kind: 'failed', retryable: true, code: 'slack_rate_limited', retryAfterMs: 7_000 });
    });

    it('refuses a webhook_url that is not an http(s) URL', () => {
      expect(channel().resolveDestination(channelTarget({ webhook_url: 'ftp://hooks.example/x' }))).toMatchObject({ ok: false, code: 'address_invalid' });
      expect(channel().resolveDestination(channelTarget({ webhook_url: 'https://user:pw@hooks.example/x' }))).toMatchObject({ ok: false, code: 'address_invalid' });
    });

    describe('against a server that never answers', () => {
      let silent: SilentTcpServer;
      beforeEach(async () => {
        silent = await startSilentTcpServer();
      });
      afterEach(async () => {
        await silent.close();
      });

      it('times out', async () => {
        const outcome = await send(channel({ timeout_ms: 200 }), { webhook_url: `${silent.url}/services/T1/B1/secret-path` });
        expect(outcome).toMatchObject({ kind: 'failed', retryable: true, code: 'timeout' });
        expect(JSON.stringify(outcome)).not.toContain('secret-path');
      });
    });
  });

  describe('destinations', () => {
    it('has no address without a token, a webhook URL or a channel', () => {
      expect(channel({ bot_token: undefined }).resolveDestination(channelTarget({ channel: 'C0ALERTS' }))).toEqual({ ok: false, code: 'no_address', message: 'Slack is not configured (no bot token or webhook URL)' });
      expect(channel().resolveDestination(channelTarget({}))).toMatchObject({ ok: false, code: 'no_address' });
    });

    it('refuses a config slack_user_id that is not a member id, and ignores a bad one in the profile', () => {
      const sb = channel({ default_channel: 'C0DEFAULT' });
      expect(sb.resolveDestination(channelTarget({ slack_user_id: 'jane' }))).toMatchObject({ ok: false, code: 'address_invalid' });
      expect(sb.resolveDestination(channelTarget({ mention_user: true }, userProfile({ slack_user_id: 'jane' })))).toMatchObject({ ok: true, destination: { channel: 'C0DEFAULT', presentation: { mentionUserId: undefined } } });
    });

    it('keeps tokens and webhook URLs out of JSON and logs of the destination', () => {
      const sb = channel();
      const api = destination(sb, { channel: 'C0ALERTS', bot_token: 'xoxb-user-token' });
      const hook = destination(sb, { webhook_url: slack.webhookUrl });
      expect(JSON.stringify([api, hook])).not.toMatch(/xoxb-user-token|XXXX/);
      expect(inspect([api, hook], { depth: 5 })).not.toMatch(/xoxb-user-token|XXXX/);
      expect(sb.breakerKey(api)).toBe(`slack:${slack.url}`);
    });

    it('describes its config with a closed schema and names the secrets', () => {
      const sb = channel();
      expect(sb.secretKeys).toEqual(['bot_token', 'webhook_url']);
      expect(Value.Check(sb.configSchema, { channel: 'C0ALERTS', thread_replies: false, mention_user: true, include_agent_info: true, slack_user_id: 'U0JANE' })).toBe(true);
      expect(Value.Check(sb.configSchema, { channel: 'C0ALERTS', colour: 'red' })).toBe(false);
    });
  });

  describe('health', () => {
    it('is healthy when auth.test accepts the bot token', async () => {
      expect(await channel().checkHealth(AbortSignal.timeout(5_000))).toMatchObject({ configured: true, healthy: true });
      expect(slack.received[0]).toMatchObject({ method: 'POST', path: '/api/auth.test' });
      expect(slack.received[0]?.headers.authorization).toBe('Bearer xoxb-system-token');
    });

    it('is unhealthy when auth.test refuses the token', async () => {
      const health = await channel({ bot_token: 'xoxb-revoked' }).checkHealth(AbortSignal.timeout(5_000));
      expect(health).toMatchObject({ configured: true, healthy: false, message: expect.stringContaining('invalid_auth') });
      expect(health.message).not.toContain('xoxb-revoked');
    });

    it('only asks a webhook URL to answer, without posting', async () => {
      const health = await channel({ bot_token: undefined, webhook_url: slack.webhookUrl }).checkHealth(AbortSignal.timeout(5_000));
      expect(health).toMatchObject({ configured: true, healthy: true });
      expect(slack.received.map((request) => request.method)).toEqual(['GET']);
    });

    it('is unhealthy when the webhook URL does not answer', async () => {
      const health = await channel({ bot_token: undefined, webhook_url: `http://127.0.0.1:${await closedPort()}/services/T/B/X` }).checkHealth(AbortSignal.timeout(5_000));
      expect(health).toMatchObject({ configured: true, healthy: false });
    });

    it('is not configured without a token or webhook URL', async () => {
      expect(await channel({ bot_token: undefined }).checkHealth(AbortSignal.timeout(5_000))).toMatchObject({ configured: false, healthy: false });
    });
  });

  it('makes and closes its own pool when no API dispatcher is given', async () => {
    const sb = createSlackChannel({ settings: settings(), userUrlDispatcher: userDispatcher });
    try {
      expect(await send(sb, { channel: 'C0ALERTS' })).toMatchObject({ kind: 'sent' });
    } finally {
      await sb.close();
    }
  });
});
