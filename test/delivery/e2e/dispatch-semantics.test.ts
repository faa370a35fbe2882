import { afterEach, describe, expect, it } from 'vitest';
import { dialects } from '../../support/test-database.js';
import { startTestSwitchboard, type TestSwitchboard } from '../../support/test-switchboard.js';
import { deliveryApi, eventually } from '../support/delivery-api.js';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each(dialects)('dispatch semantics (%s)', (dialect) => {
  let sb: TestSwitchboard | undefined;
  let receiver: WebhookReceiver | undefined;
  afterEach(async () => {
    await sb?.stop();
    await receiver?.close();
    sb = undefined;
    receiver = undefined;
  });

  async function start(config: Record<string, unknown> = {}) {
    receiver = await startWebhookReceiver();
    sb = await startTestSwitchboard({
      dialect,
      listen: true,
      config: { 'delivery.allow_private_networks': true, 'delivery.test.enabled': true, 'delivery.poll_interval_ms': 50, ...config },
    });
    return { api: deliveryApi(sb), receiver };
  }

  describe('a user who disables a channel never receives on it', () => {
    it('through the API path: no delivery is created, even when the request names the channel', async () => {
      const { api, receiver } = await start();
      await api.override('jane', { integration_type: 'WEBHOOK', config: { url: `${receiver.url}/hook` } });
      // The seed system re-reads the defaults when a user's only override is a disabled one, and sends anyway.
      const disabled = await api.call('PUT', '/api/v1/users/jane/integrations/TEST', { enabled: false });
      expect(disabled.status).toBe(201);
      const off = await api.call('PUT', '/api/v1/users/jane/integrations/webhook', { enabled: false });
      expect(off.status).toBe(200);
      const all = await api.notify({ user_id: 'jane', body: 'anything' });
      expect(all.body.delivery_ids).toEqual([]);
      const named = await api.notify({ user_id: 'jane', body: 'anything', channels: ['WEBHOOK', 'TEST'] });
      expect(named.body.delivery_ids).toEqual([]);
      expect(named.body.skipped.map((s: { integration_type: string; reason: string }) => `${s.integration_type}:${s.reason}`).sort()).toEqual(['TEST:disabled', 'WEBHOOK:disabled']);
      const first = await api.notify({ user_id: 'jane', body: 'anything', strategy: 'first_success' });
      expect(first.body.delivery_ids).toEqual([]);
      await sleep(300);
      expect(receiver.count).toBe(0);
      expect((await api.call('GET', '/api/v1/test-deliveries?user_id=jane')).body.test_deliveries).toEqual([]);
    });

    it('through the dispatch path: a delivery created before the user disabled the channel is not sent again', async () => {
      const { api, receiver } = await start();
      receiver.failNext(1, 503);
      await api.override('jane', { integration_type: 'WEBHOOK', retry_count: 3, retry_delay_seconds: 1, config: { url: `${receiver.url}/hook` } });
      const [id] = (await api.notify({ user_id: 'jane', body: 'x', channels: ['WEBHOOK'] })).body.delivery_ids as string[];
      await api.deliveryWhen(id as string, (d) => d.status === 'RETRYING');
      await api.call('PUT', '/api/v1/users/jane/integrations/WEBHOOK', { enabled: false });
      const failed = await api.deliveryWhen(id as string, undefined, 5_000);
      expect(failed).toMatchObject({ status: 'FAILED', error_code: 'channel_disabled', attempt_count: 1 });
      // A manual retry cannot send it either.
      expect((await api.call('POST', `/api/v1/deliveries/${id}/retry`)).status).toBe(202);
      expect(await api.deliveryWhen(id as string)).toMatchObject({ status: 'FAILED', error_code: 'channel_disabled', attempt_count: 1 });
      expect(receiver.count).toBe(1);
    });

    it("through a run's notify step", async () => {
      const { api } = await start();
      await api.call('PUT', '/api/v1/users/ops/integrations/TEST', { enabled: false });
      await api.call('PUT', '/api/v1/users/dev/integrations/TEST', { config: { label: 'dev' } });
      expect((await api.call('POST', '/integration/webhooks/register', { endpoint_id: 'alerts', verification: { scheme: 'none' }, allow_unsigned: true })).status).toBe(201);
      const route = {
        id: 'page-people',
        match: { source: 'alerts' },
        steps: [{ name: 'page', kind: 'notify', to: '["ops", "dev"]', subject: '"Alert " & event.data.id', body: 'event.data.title' }],
      };
      expect((await api.call('POST', '/api/v1/routes', route)).status).toBe(201);
      const sent = await fetch(`${sb?.url}/integration/webhooks/alerts`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ id: 'ALT-9', title: 'disk full' }) });
      expect(sent.status).toBe(202);
      const inbox = await eventually(async () => {
        const listed = (await api.call('GET', '/api/v1/test-deliveries')).body.test_deliveries as Array<{ user_id: string; subject: string; body: string }>;
        return listed.length > 0 ? listed : undefined;
      });
      await sleep(300);
      const again = (await api.call('GET', '/api/v1/test-deliveries')).body.test_deliveries as unknown[];
      expect(again).toHaveLength(1);
      expect(inbox[0]).toMatchObject({ user_id: 'dev', subject: 'Alert ALT-9', body: 'disk full' });
      // The step's output names the notification the relay created.
      const runs = (await api.call('GET', '/api/v1/runs?route=page-people')).body.runs as Array<{ id: string }>;
      const run = (await api.call('GET', `/api/v1/runs/${runs[0]?.id}`)).body as { steps: Array<{ output: { notification_id: string } }> };
      const notification = await api.call('GET', `/api/v1/notifications/${run.steps[0]?.output.notification_id}`);
      expect(notification.body).toMatchObject({ origin: 'run', run_id: runs[0]?.id, user_ids: ['ops', 'dev'], deliveries: [expect.objectContaining({ user_id: 'dev', status: 'SUCCESS' })] });
      expect((await api.call('GET', '/api/v1/users/ops/deliveries')).body).toEqual([]);
    });
  });

  it('first_success sends on the highest-priority channel only, and fails over by priority when it gives up', async () => {
    const { api, receiver } = await start();
    receiver.program({ status: 400 }, { path: '/broken' });
    await api.override('ok', { integration_type: 'WEBHOOK', priority: 1, config: { url: `${receiver.url}/ok` } });
    await api.override('broken', { integration_type: 'WEBHOOK', priority: 1, retry_count: 0, config: { url: `${receiver.url}/broken` } });

    const single = await api.notify({ user_id: 'ok', body: 'first', strategy: 'first_success' });
    expect(single.body.deliveries).toEqual([expect.objectContaining({ integration_type: 'WEBHOOK' })]);
    expect(single.body.fallbacks).toEqual({ ok: ['TEST'] });
    await api.deliveryWhen(single.body.delivery_ids[0] as string);

    const failing = await api.notify({ user_id: 'broken', body: 'second', strategy: 'first_success' });
    const failed = await api.deliveryWhen(failing.body.delivery_ids[0] as string);
    expect(failed.status).toBe('FAILED');
    expect(failed.error_message).toContain('failed over to TEST');
    const history = await eventually(async () => {
      const rows = (await api.call('GET', '/api/v1/users/broken/deliveries')).body as Array<{ integration_type: string; status: string }>;
      return rows.some((row) => row.integration_type === 'TEST' && row.status === 'SUCCESS') ? rows : undefined;
    });
    expect(history.map((row) => `${row.integration_type}:${row.status}`)).toEqual(['TEST:SUCCESS', 'WEBHOOK:FAILED']);
    expect((await api.call('GET', '/api/v1/users/ok/deliveries')).body).toHaveLength(1);
    expect((await api.call('GET', '/api/v1/test-deliveries?user_id=ok')).body.test_deliveries).toEqual([]);
  });

  it('a destination whose breaker is open holds deliveries (all) or fails over at once (first_success)', async () => {
    const { api, receiver } = await start({ 'delivery.breaker.failure_threshold': 2, 'delivery.breaker.half_open_after_ms': 60_000 });
    receiver.program({ status: 503 });
    for (const user of ['a', 'b', 'c', 'd']) await api.override(user, { integration_type: 'WEBHOOK', retry_count: 0, config: { url: `${receiver.url}/${user}` } });
    for (const user of ['a', 'b']) {
      const [id] = (await api.notify({ user_id: user, body: 'x', channels: ['WEBHOOK'] })).body.delivery_ids as string[];
      await api.deliveryWhen(id as string);
    }
    expect(receiver.count).toBe(2);
    const [held] = (await api.notify({ user_id: 'c', body: 'x', channels: ['WEBHOOK'] })).body.delivery_ids as string[];
    const waiting = await api.deliveryWhen(held as string, (d) => d.error_code === 'circuit_open');
    expect(waiting).toMatchObject({ status: 'PENDING', attempt_count: 0 });
    expect(Date.parse(waiting.next_attempt_at as string)).toBeGreaterThan(Date.now() + 30_000);
    const defaults = await api.call('GET', '/api/v1/integration-defaults');
    expect(defaults.body.open_circuits).toEqual([expect.objectContaining({ destination: `webhook:${receiver.url}`, state: 'open' })]);

    const over = await api.notify({ user_id: 'd', body: 'x', strategy: 'first_success' });
    expect(await api.deliveryWhen(over.body.delivery_ids[0] as string)).toMatchObject({ status: 'FAILED', error_code: 'circuit_open', attempt_count: 0 });
    await eventually(async () => (((await api.call('GET', '/api/v1/test-deliveries?user_id=d')).body.test_deliveries as unknown[]).length === 1 ? true : undefined));
    expect(receiver.count).toBe(2);
  });

  it('a delivery whose next attempt would come after its expiry becomes EXPIRED; a retry restarts it', async () => {
    const { api, receiver } = await start({ 'delivery.expire_after_seconds': 2 });
    receiver.failNext(1, 503);
    await api.override('jane', { integration_type: 'WEBHOOK', retry_count: 5, retry_delay_seconds: 10, config: { url: `${receiver.url}/hook` } });
    const [id] = (await api.notify({ user_id: 'jane', body: 'x', channels: ['WEBHOOK'] })).body.delivery_ids as string[];
    const expired = await api.deliveryWhen(id as string);
    expect(expired).toMatchObject({ status: 'EXPIRED', error_code: 'http_503', attempt_count: 1 });
    const retried = await api.call('POST', `/api/v1/deliveries/${id}/retry`);
    expect(retried.status).toBe(202);
    expect(await api.deliveryWhen(id as string)).toMatchObject({ status: 'SUCCESS', attempt_count: 2 });
    const again = await api.call('POST', `/api/v1/deliveries/${id}/retry`);
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('delivery_not_retryable');
  });

  it('bulk retry restarts FAILED deliveries matching a filter, each with a fresh retry budget', async () => {
    const { api, receiver } = await start();
    receiver.program({ status: 500 }, { path: '/flaky', times: 3 });
    for (const user of ['u1', 'u2', 'u3']) await api.override(user, { integration_type: 'WEBHOOK', retry_count: 0, config: { url: `${receiver.url}/flaky` } });
    const ids: string[] = [];
    for (const user of ['u1', 'u2', 'u3']) ids.push(...((await api.notify({ user_id: user, body: 'x', channels: ['WEBHOOK'] })).body.delivery_ids as string[]));
    for (const id of ids) expect((await api.deliveryWhen(id)).status).toBe('FAILED');
    const listed = await api.call('GET', '/api/v1/deliveries?status=failed&channel=webhook');
    expect(listed.body.deliveries).toHaveLength(3);
    const bulk = await api.call('POST', '/api/v1/deliveries/retry', { status: 'FAILED', channel: 'WEBHOOK', user_id: 'u2' });
    expect(bulk.status).toBe(202);
    expect(bulk.body).toEqual({ retried: 1, delivery_ids: [ids[1]] });
    expect(await api.deliveryWhen(ids[1] as string)).toMatchObject({ status: 'SUCCESS', attempt_count: 2 });
    const rest = await api.call('POST', '/api/v1/deliveries/retry');
    expect(rest.body.retried).toBe(2);
    for (const id of [ids[0], ids[2]]) expect((await api.deliveryWhen(id as string)).status).toBe('SUCCESS');
  });
});
