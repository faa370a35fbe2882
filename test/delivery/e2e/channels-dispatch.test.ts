import { afterEach, describe, expect, it } from 'vitest';
import { dialects } from '../../support/test-database.js';
import { startTestSwitchboard, type TestSwitchboard } from '../../support/test-switchboard.js';
import { closedPort } from '../support/closed-port.js';
import { deliveryApi } from '../support/delivery-api.js';
import { startSlackApiServer, type SlackApiServer } from '../support/slack-api-server.js';
import { startSmtpInbox, type SmtpInbox } from '../support/smtp-inbox.js';
import { startTwilioApiServer, type TwilioApiServer } from '../support/twilio-api-server.js';

describe.each(dialects)('Slack, email and SMS deliveries through the whole system (%s)', (dialect) => {
  let sb: TestSwitchboard | undefined;
  let slack: SlackApiServer | undefined;
  let smtp: SmtpInbox | undefined;
  let twilio: TwilioApiServer | undefined;
  afterEach(async () => {
    await sb?.stop();
    await Promise.all([slack?.close(), smtp?.close(), twilio?.close()]);
    sb = slack = smtp = twilio = undefined;
  });

  async function start() {
    [slack, smtp, twilio] = await Promise.all([startSlackApiServer(), startSmtpInbox(), startTwilioApiServer()]);
    sb = await startTestSwitchboard({
      dialect,
      listen: true,
      config: {
        'delivery.poll_interval_ms': 50,
        'delivery.slack': { bot_token: slack.token, base_url: slack.url },
        'delivery.email': { host: smtp.host, port: smtp.port, from: 'Switchboard Alerts <alerts@switchboard.test>' },
        'delivery.sms': { account_sid: twilio.accountSid, auth_token: twilio.authToken, from_number: '+15005550006', base_url: twilio.url, max_message_length: 160 },
      },
    });
    return { api: deliveryApi(sb), slack, smtp, twilio };
  }

  it('enables SLACK and EMAIL by default when configured and answering; SMS stays off until a user turns it on', async () => {
    const { api } = await start();
    const defaults = (await api.call('GET', '/api/v1/integration-defaults')).body.default_integrations;
    expect([defaults.SLACK.enabled, defaults.EMAIL.enabled, defaults.SMS.enabled, defaults.WEBHOOK.enabled]).toEqual([true, true, false, false]);
    expect(defaults.SLACK.health).toMatchObject({ configured: true, healthy: true });
  });

  it('one notification reaches Slack (a DM), email and SMS, each recorded with the provider id', async () => {
    const { api, slack, smtp, twilio } = await start();
    await api.call('PUT', '/api/v1/users/jane', { email: 'jane@example.com', phone: '+14155550100', slack_user_id: 'U024BE7LH' });
    await api.call('PUT', '/api/v1/users/jane/integrations/SMS', { enabled: true });
    await api.call('PUT', '/api/v1/users/jane/integrations/SLACK', { config: { mention_user: true } });
    const posted = await api.notify({ user_id: 'jane', subject: 'Pool exhausted', body: 'orders-db is at 100/100', data: { agent: 'triage' } });
    expect(posted.body.deliveries.map((d: { integration_type: string }) => d.integration_type)).toEqual(['SLACK', 'EMAIL', 'SMS']);
    const done = await Promise.all((posted.body.delivery_ids as string[]).map((id) => api.deliveryWhen(id)));
    expect(done.map((d) => d.status)).toEqual(['SUCCESS', 'SUCCESS', 'SUCCESS']);

    const [post] = slack.received.filter((r) => r.route === 'chat.postMessage');
    expect(post?.headers['authorization']).toBe(`Bearer ${slack.token}`);
    expect(post?.body).toMatchObject({ channel: 'U024BE7LH' });
    expect(String((post?.body as { text?: string }).text)).toContain('<@U024BE7LH>');
    expect(String((post?.body as { text?: string }).text)).toContain('orders-db is at 100/100');
    expect(done[0].provider_message_id).toMatch(/^\d+\.\d+$/);

    const [mail] = smtp.received;
    expect(mail?.envelope.to).toEqual(['jane@example.com']);
    expect(mail?.subject).toBe('Pool exhausted');
    expect(mail?.headers['x-switchboard-delivery-id']).toBe(done[1].delivery_id);
    expect(mail?.messageId).toBe(`<${done[1].delivery_id}@switchboard.test>`);
    expect(mail?.html).toContain('orders-db is at 100/100');
    expect(mail?.text).toContain('orders-db is at 100/100');

    expect(twilio.messages).toHaveLength(1);
    expect(twilio.messages[0]).toMatchObject({ to: '+14155550100', from: '+15005550006' });
    expect(done[2].provider_message_id).toBe(twilio.messages[0]?.sid);
  });

  it('maps provider errors to permanent or retryable: Slack channel_not_found, ratelimited; SMTP 550, 451; Twilio 21211', async () => {
    const { api, slack, smtp, twilio } = await start();
    for (const user of ['s1', 's2', 'e1', 'e2', 'm1']) await api.call('POST', '/api/v1/users/' + user + '/integrations', { integration_type: 'TEST', enabled: false });
    await api.call('PUT', '/api/v1/users/s1', { slack_user_id: 'U024BE7LA' });
    await api.call('PUT', '/api/v1/users/s2', { slack_user_id: 'U024BE7LB' });
    await api.call('PUT', '/api/v1/users/s2/integrations/SLACK', { retry_delay_seconds: 0 });
    slack.program('chat.postMessage', { error: 'channel_not_found' }, { error: 'ratelimited', status: 429, retryAfterSeconds: 1 });
    const [notFound] = (await api.notify({ user_id: 's1', body: 'x', channels: ['SLACK'] })).body.delivery_ids as string[];
    expect(await api.deliveryWhen(notFound as string)).toMatchObject({ status: 'FAILED', error_code: 'slack_channel_not_found', attempt_count: 1 });
    const [limited] = (await api.notify({ user_id: 's2', body: 'x', channels: ['SLACK'] })).body.delivery_ids as string[];
    const retried = await api.deliveryWhen(limited as string);
    expect(retried).toMatchObject({ status: 'SUCCESS', attempt_count: 2 });
    expect(Date.parse(retried.attempts[1].attempted_at) - Date.parse(retried.attempts[0].attempted_at)).toBeGreaterThanOrEqual(950);

    smtp.rejectRecipient('nobody@example.com', 550, 'No such user');
    await api.call('POST', '/api/v1/users/e1/integrations', { integration_type: 'EMAIL', config: { email_address: 'nobody@example.com' } });
    await api.call('POST', '/api/v1/users/e2/integrations', { integration_type: 'EMAIL', retry_delay_seconds: 0, config: { email_address: 'e2@example.com', format: 'text' } });
    const [rejected] = (await api.notify({ user_id: 'e1', body: 'x', channels: ['EMAIL'] })).body.delivery_ids as string[];
    expect(await api.deliveryWhen(rejected as string)).toMatchObject({ status: 'FAILED', error_code: 'smtp_550', attempt_count: 1 });
    smtp.failNext(1, { stage: 'DATA', code: 451, message: 'Try again later' });
    const [deferred] = (await api.notify({ user_id: 'e2', body: 'plain text only', channels: ['EMAIL'] })).body.delivery_ids as string[];
    expect(await api.deliveryWhen(deferred as string)).toMatchObject({ status: 'SUCCESS', attempt_count: 2 });
    const mail = smtp.received.find((m) => m.envelope.to.includes('e2@example.com'));
    expect(mail?.html).toBe(false);

    await api.call('POST', '/api/v1/users/m1/integrations', { integration_type: 'SMS', config: { phone_number: '+15551234567' } });
    twilio.program('messages', { status: 400, code: 21211, message: "The 'To' number is not a valid phone number." });
    const [invalid] = (await api.notify({ user_id: 'm1', body: 'x', channels: ['SMS'] })).body.delivery_ids as string[];
    expect(await api.deliveryWhen(invalid as string)).toMatchObject({ status: 'FAILED', error_code: 'twilio_21211', attempt_count: 1 });
  });

  it('splits a long SMS into messages and never resends a part Twilio accepted', async () => {
    const { api, twilio } = await start();
    await api.call('POST', '/api/v1/users/long/integrations', { integration_type: 'SMS', retry_delay_seconds: 0, config: { phone_number: '+14155550199' } });
    await api.call('POST', '/api/v1/users/long/integrations', { integration_type: 'TEST', enabled: false });
    const words = Array.from({ length: 60 }, (_, i) => `word${i}`).join(' ');
    twilio.program('messages', 'accept', { status: 500, code: 20500, message: 'Internal error' });
    const [id] = (await api.notify({ user_id: 'long', body: words, channels: ['SMS'] })).body.delivery_ids as string[];
    const delivery = await api.deliveryWhen(id as string);
    expect(delivery).toMatchObject({ status: 'SUCCESS', attempt_count: 2 });
    const bodies = twilio.messages.map((m) => m.body);
    expect(bodies.length).toBeGreaterThanOrEqual(3);
    expect(bodies.every((b) => b.length <= 160)).toBe(true);
    expect(bodies.join(' ').replace(/\s+/g, ' ')).toBe(words);
    expect(new Set(bodies).size).toBe(bodies.length);
    expect(delivery.provider_message_id).toBe(twilio.messages.map((m) => m.sid).join(','));
  });

  it('leaves SLACK disabled by default when the configured Slack does not answer', async () => {
    smtp = await startSmtpInbox();
    sb = await startTestSwitchboard({ dialect, config: { 'delivery.slack': { bot_token: 'xoxb-1', base_url: `http://127.0.0.1:${await closedPort()}` } } });
    const defaults = (await sb.app.inject({ method: 'GET', url: '/api/v1/integration-defaults', headers: sb.auth })).json() as { default_integrations: Record<string, { enabled: boolean; health: { configured: boolean; healthy: boolean } }> };
    expect(defaults.default_integrations['SLACK']).toMatchObject({ enabled: false, health: { configured: true, healthy: false } });
  });
});
