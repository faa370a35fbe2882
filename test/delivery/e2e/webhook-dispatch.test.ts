import { afterEach, describe, expect, it } from 'vitest';
import { Webhook } from 'standardwebhooks';
import { dialects } from '../../support/test-database.js';
import { startTestSwitchboard, type TestSwitchboard } from '../../support/test-switchboard.js';
import { deliveryApi } from '../support/delivery-api.js';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.js';

const SECRET = `whsec_${Buffer.from('0123456789abcdef0123456789abcdef').toString('base64')}`;

describe.each(dialects)('webhook deliveries end to end (%s)', (dialect) => {
  let sb: TestSwitchboard | undefined;
  let receiver: WebhookReceiver | undefined;
  afterEach(async () => {
    await sb?.stop();
    await receiver?.close();
    sb = undefined;
    receiver = undefined;
  });

  async function start(config: Record<string, unknown> = {}) {
    receiver = await startWebhookReceiver({ secret: SECRET });
    sb = await startTestSwitchboard({ dialect, listen: true, config: { 'delivery.allow_private_networks': true, 'delivery.poll_interval_ms': 50, ...config } });
    return { api: deliveryApi(sb), receiver };
  }

  const webhookOverride = (url: string, fields: Record<string, unknown> = {}) => ({
    integration_type: 'WEBHOOK',
    enabled: true,
    retry_count: 3,
    retry_delay_seconds: 0,
    config: { url, secret: SECRET },
    ...fields,
  });

  it('signs per Standard Webhooks: the official library verifies it, and the delivery records the attempt', async () => {
    const { api, receiver } = await start();
    await api.override('jane', webhookOverride(`${receiver.url}/hook`));
    const posted = await api.notify({ user_id: 'jane', subject: 'Pool exhausted', body: 'orders-db is at 100/100', data: { alert_id: 'ALT-1' } });
    expect(posted.status).toBe(202);
    expect(posted.body.status).toBe('accepted');
    const [id] = posted.body.delivery_ids as string[];
    const delivery = await api.deliveryWhen(id as string);
    expect(delivery.status).toBe('SUCCESS');
    expect(delivery.attempts).toHaveLength(1);
    expect(delivery.attempts[0]).toMatchObject({ attempt: 1, outcome: 'sent', status_code: 200 });
    const [request] = receiver.received;
    expect(request?.verified).toBe(true);
    expect(request?.headers['webhook-id']).toBe(id);
    // The receiver's own check, with the official library and the same secret.
    const payload = new Webhook(SECRET).verify(request?.rawBody.toString('utf8') ?? '', request?.headers as Record<string, string>) as { data: Record<string, unknown> };
    expect(payload.data).toMatchObject({ delivery_id: id, user_id: 'jane', subject: 'Pool exhausted', body: 'orders-db is at 100/100', data: { alert_id: 'ALT-1' } });
  });

  it('retries a failing receiver with the same webhook-id until it succeeds, recording each attempt', async () => {
    const { api, receiver } = await start();
    receiver.failNext(2, 500);
    await api.override('jane', webhookOverride(`${receiver.url}/hook`));
    const [id] = (await api.notify({ user_id: 'jane', body: 'hello' })).body.delivery_ids as string[];
    const delivery = await api.deliveryWhen(id as string);
    expect(delivery.status).toBe('SUCCESS');
    expect(delivery.attempts.map((a: { status_code: number }) => a.status_code)).toEqual([500, 500, 200]);
    expect(delivery.attempt_count).toBe(3);
    expect(new Set(receiver.received.map((r) => r.headers['webhook-id']))).toEqual(new Set([id]));
    expect(receiver.received.every((r) => r.verified === true)).toBe(true);
  });

  it('gives up after retry_count retries and fails at once on a permanent 4xx', async () => {
    const { api, receiver } = await start();
    receiver.program({ status: 503 }, { path: '/down' });
    receiver.program({ status: 400, body: 'bad payload' }, { path: '/bad' });
    await api.override('down', webhookOverride(`${receiver.url}/down`, { retry_count: 1 }));
    await api.override('bad', webhookOverride(`${receiver.url}/bad`));
    const [down] = (await api.notify({ user_id: 'down', body: 'x' })).body.delivery_ids as string[];
    const [bad] = (await api.notify({ user_id: 'bad', body: 'x' })).body.delivery_ids as string[];
    const exhausted = await api.deliveryWhen(down as string);
    expect(exhausted).toMatchObject({ status: 'FAILED', error_code: 'http_503', attempt_count: 2 });
    const permanent = await api.deliveryWhen(bad as string);
    expect(permanent).toMatchObject({ status: 'FAILED', error_code: 'http_400', attempt_count: 1, last_status_code: 400 });
    expect(permanent.error_message).toContain('bad payload');
  });

  it('honours 429 Retry-After even when the channel retries at once', async () => {
    const { api, receiver } = await start();
    receiver.program({ status: 429, headers: { 'retry-after': '1' } }, { times: 1 });
    await api.override('jane', webhookOverride(`${receiver.url}/hook`));
    const [id] = (await api.notify({ user_id: 'jane', body: 'x' })).body.delivery_ids as string[];
    const delivery = await api.deliveryWhen(id as string);
    expect(delivery.status).toBe('SUCCESS');
    const [first, second] = receiver.received;
    expect((second?.receivedAtMs ?? 0) - (first?.receivedAtMs ?? 0)).toBeGreaterThanOrEqual(950);
  });

  it('a 410 from the receiver disables that user\'s webhook config', async () => {
    const { api, receiver } = await start();
    receiver.program({ status: 410 });
    await api.override('gone', webhookOverride(`${receiver.url}/hook`));
    const [id] = (await api.notify({ user_id: 'gone', body: 'x' })).body.delivery_ids as string[];
    expect(await api.deliveryWhen(id as string)).toMatchObject({ status: 'FAILED', error_code: 'http_410', attempt_count: 1 });
    const effective = await api.call('GET', '/api/v1/users/gone/integration-defaults');
    expect(effective.body.effective_configs.WEBHOOK.enabled).toBe(false);
    const next = await api.notify({ user_id: 'gone', body: 'again', channels: ['WEBHOOK'] });
    expect(next.body.delivery_ids).toEqual([]);
    expect(next.body.skipped).toEqual([expect.objectContaining({ user_id: 'gone', integration_type: 'WEBHOOK', reason: 'disabled' })]);
    expect(receiver.count).toBe(1);
  });

  it('times out a receiver that never answers and does not follow redirects', async () => {
    const { api, receiver } = await start();
    receiver.program({ hang: true }, { path: '/hang' });
    receiver.program({ status: 302, headers: { location: `${receiver.url}/elsewhere` } }, { path: '/moved' });
    await api.override('slow', webhookOverride(`${receiver.url}/hang`, { retry_count: 0, config: { url: `${receiver.url}/hang`, secret: SECRET, timeout_ms: 300 } }));
    await api.override('moved', webhookOverride(`${receiver.url}/moved`));
    const [slow] = (await api.notify({ user_id: 'slow', body: 'x' })).body.delivery_ids as string[];
    const [moved] = (await api.notify({ user_id: 'moved', body: 'x' })).body.delivery_ids as string[];
    expect(await api.deliveryWhen(slow as string)).toMatchObject({ status: 'FAILED', error_code: 'timeout', attempt_count: 1 });
    expect(await api.deliveryWhen(moved as string)).toMatchObject({ status: 'FAILED', error_code: 'http_302', attempt_count: 1 });
    expect(receiver.received.filter((r) => r.path === '/elsewhere')).toHaveLength(0);
  });

  it('sends CloudEvents structured mode when the user asks for it', async () => {
    const { api, receiver } = await start();
    await api.override('ce', webhookOverride(`${receiver.url}/hook`, { config: { url: `${receiver.url}/hook`, secret: SECRET, format: 'cloudevents' } }));
    const [id] = (await api.notify({ user_id: 'ce', body: 'structured' })).body.delivery_ids as string[];
    await api.deliveryWhen(id as string);
    const [request] = receiver.received;
    expect(request?.headers['content-type']).toBe('application/cloudevents+json; charset=utf-8');
    expect(request?.json).toMatchObject({ specversion: '1.0', id, source: 'switchboard', type: 'switchboard.notification', subject: 'ce' });
    expect(request?.verified).toBe(true);
  });

  it('refuses webhook URLs on private networks unless delivery.allow_private_networks is set', async () => {
    receiver = await startWebhookReceiver();
    sb = await startTestSwitchboard({ dialect, listen: true });
    const api = deliveryApi(sb);
    const refused = await api.call('POST', '/api/v1/users/jane/integrations', webhookOverride(`${receiver.url}/hook`));
    expect(refused.status).toBe(422);
    expect(refused.body.error.code).toBe('integration_config_invalid');
    const profile = await api.call('PUT', '/api/v1/users/jane', { webhook_url: 'http://169.254.169.254/latest' });
    expect(profile.status).toBe(422);
    expect(profile.body.error.code).toBe('profile_invalid');
    const stored = await api.call('GET', '/api/v1/users/jane/integration-defaults');
    expect(stored.body.user_overrides).toEqual({});
  });

  it('the same idempotency key sent concurrently creates one notification and one request', async () => {
    const { api, receiver } = await start();
    await api.override('jane', webhookOverride(`${receiver.url}/hook`));
    const answers = await Promise.all(Array.from({ length: 8 }, () => api.call('POST', '/api/v1/notifications', { user_id: 'jane', body: 'once' }, { 'idempotency-key': 'alert-ALT-7' })));
    expect(answers.filter((a) => a.status === 202)).toHaveLength(1);
    expect(answers.filter((a) => a.status === 200).every((a) => a.body.status === 'duplicate')).toBe(true);
    expect(new Set(answers.map((a) => a.body.notification_id)).size).toBe(1);
    expect(new Set(answers.map((a) => JSON.stringify(a.body.delivery_ids))).size).toBe(1);
    await api.deliveryWhen((answers[0]?.body.delivery_ids as string[])[0] as string);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(receiver.count).toBe(1);
  });
});
