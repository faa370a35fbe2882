import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestSwitchboard, type TestSwitchboard } from '../support/test-switchboard.js';
import { expectHealthy, expectRefused, post, registerEndpoint, signedHeaders, uniqueId } from './support/ingress-client.js';

const BODY = JSON.stringify({ type: 'order.created' });
const LIMIT = { requests: 3, per_seconds: 60 };

function signed(secret: string): Record<string, string> {
  return { ...signedHeaders('standard-webhooks', BODY, secret), 'content-type': 'application/json' };
}

async function expectAccepted(response: Response): Promise<void> {
  expect(response.status).toBe(202);
  expect(response.headers.get('x-ratelimit-limit')).toBe('3');
  await response.arrayBuffer();
}

describe('rate limit in memory', () => {
  let sb: TestSwitchboard;

  beforeAll(async () => {
    sb = await startTestSwitchboard({ listen: true });
  });
  afterAll(async () => {
    await sb?.stop();
  });

  it('answers the 4th request in the window with 429 rate_limited and Retry-After; another endpoint is unaffected', async () => {
    const limitedSecret = await registerEndpoint(sb, { endpoint_id: 'limited', rate_limit: LIMIT });
    const otherSecret = await registerEndpoint(sb, { endpoint_id: 'neighbour', rate_limit: LIMIT });
    const unlimitedSecret = await registerEndpoint(sb, { endpoint_id: 'unlimited' });

    for (let i = 0; i < 3; i += 1) await expectAccepted(await post(sb, '/integration/webhooks/limited', BODY, signed(limitedSecret)));
    const { response } = await expectRefused(sb, { status: 429, code: 'rate_limited', endpointId: 'limited' }, () =>
      post(sb, '/integration/webhooks/limited', BODY, signed(limitedSecret)),
    );
    const retryAfter = Number(response.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    // The limit counts requests, not bodies: a bad request in the window is refused with 429 too.
    await expectRefused(sb, { status: 429, code: 'rate_limited', endpointId: 'limited' }, () =>
      post(sb, '/integration/webhooks/limited', '{', { 'content-type': 'application/json' }),
    );

    for (let i = 0; i < 3; i += 1) await expectAccepted(await post(sb, '/integration/webhooks/neighbour', BODY, signed(otherSecret)));
    for (let i = 0; i < 6; i += 1) {
      const response = await post(sb, '/integration/webhooks/unlimited', BODY, signed(unlimitedSecret));
      expect(response.status).toBe(202);
      await response.arrayBuffer();
    }
    await expectHealthy(sb);
  });

  it('counts one endpoint\'s requests together across all three receive paths', async () => {
    const secret = await registerEndpoint(sb, { endpoint_id: 'three-paths', rate_limit: LIMIT, path: '/hooks/three-paths' });
    await expectAccepted(await post(sb, '/integration/webhooks/three-paths', BODY, signed(secret)));
    await expectAccepted(await post(sb, '/api/v1/integrations/webhook/three-paths', BODY, signed(secret)));
    await expectAccepted(await post(sb, '/hooks/three-paths', BODY, signed(secret)));
    await expectRefused(sb, { status: 429, code: 'rate_limited', endpointId: 'three-paths' }, () =>
      post(sb, '/api/v1/integrations/webhook/three-paths', BODY, signed(secret)),
    );
  });
});

describe('rate limit shared through Redis', () => {
  const instances: TestSwitchboard[] = [];
  afterEach(async () => {
    await Promise.all(instances.splice(0).map((sb) => sb.stop()));
  });

  it('counts requests to two instances against one limit', async () => {
    const config = { redis_url: 'redis://127.0.0.1:6379' };
    const [a, b] = await Promise.all([startTestSwitchboard({ listen: true, config }), startTestSwitchboard({ listen: true, config })]);
    instances.push(a, b);
    // Each instance has its own database; the same endpoint id (unique per run: Redis keys outlive it) and secret on both.
    const endpointId = uniqueId('shared');
    const secret = await registerEndpoint(a, { endpoint_id: endpointId, rate_limit: LIMIT });
    await registerEndpoint(b, { endpoint_id: endpointId, rate_limit: LIMIT, secret });

    await expectAccepted(await post(a, `/integration/webhooks/${endpointId}`, BODY, signed(secret)));
    await expectAccepted(await post(a, `/integration/webhooks/${endpointId}`, BODY, signed(secret)));
    await expectAccepted(await post(b, `/integration/webhooks/${endpointId}`, BODY, signed(secret)));
    const { response } = await expectRefused(b, { status: 429, code: 'rate_limited', endpointId }, () =>
      post(b, `/integration/webhooks/${endpointId}`, BODY, signed(secret)),
    );
    expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
    await expectRefused(a, { status: 429, code: 'rate_limited', endpointId }, () => post(a, `/integration/webhooks/${endpointId}`, BODY, signed(secret)));
  });
});
