import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/config-error.js';
import { startTestSwitchboard, type TestSwitchboard } from '../support/test-switchboard.js';
import { validRoute } from './route-fixtures.js';

describe('routes from the config file', () => {
  const started: TestSwitchboard[] = [];
  afterEach(async () => {
    for (const sb of started.splice(0)) await sb.stop();
  });

  it('are stored with origin "config" at start and loaded into the route table', async () => {
    const sb = await startTestSwitchboard({ config: { routes: [validRoute(), validRoute({ id: 'second', enabled: false })] } });
    started.push(sb);
    const listed = await sb.app.inject({ method: 'GET', url: '/api/v1/routes', headers: sb.auth });
    expect(listed.json<{ routes: unknown[] }>().routes).toEqual([
      expect.objectContaining({ id: 'alerts-critical', origin: 'config', enabled: true, definition: validRoute() }),
      expect.objectContaining({ id: 'second', origin: 'config', enabled: false }),
    ]);
    expect(sb.routeTable.list().map((route) => route.id)).toEqual(['alerts-critical', 'second']);
  });

  it('stop start-up with a ConfigError naming the route, the step and the reason', async () => {
    const bad = validRoute({ id: 'bad-route', steps: [{ name: 'guess', kind: 'agent', agent: 'oracle' }] });
    const start = startTestSwitchboard({ config: { routes: [validRoute(), bad] } });
    await expect(start).rejects.toBeInstanceOf(ConfigError);
    await expect(start).rejects.toThrow(/routes\[1\]: Route "bad-route" is invalid: step "guess" \(steps\[0\]\.agent\): unknown agent "oracle"/);
  });

  it('stop start-up when two declare the same id', async () => {
    await expect(startTestSwitchboard({ config: { routes: [validRoute(), validRoute()] } })).rejects.toThrow(/routes\[1\]: route id "alerts-critical" is declared twice/);
  });
});
