import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventEnvelope } from '../../src/core/event-envelope.js';
import { dialects } from '../support/test-database.js';
import { startTestSwitchboard, type TestSwitchboard } from '../support/test-switchboard.js';
import { validRoute } from './route-fixtures.js';

interface ErrorBody {
  error: { code: string; message: string; details?: Array<{ path: string; message: string }> };
}

const alert: EventEnvelope = {
  specversion: '1.0',
  id: 'evt_1',
  source: 'monitoring',
  type: 'alert.created',
  time: '2025-01-01T00:00:00.000Z',
  datacontenttype: 'application/json',
  data: { severity: 'critical' },
  extensions: {},
};

describe.each(dialects)('routes API (%s)', (dialect) => {
  let sb: TestSwitchboard;
  beforeAll(async () => {
    sb = await startTestSwitchboard({ dialect });
  });
  afterAll(async () => {
    await sb.stop();
  });

  const call = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: unknown, headers: Record<string, string> = sb.auth) =>
    sb.app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }) });

  it('answers 401 without the admin key, on every routes call', async () => {
    for (const [method, url] of [['GET', '/api/v1/routes'], ['POST', '/api/v1/routes'], ['GET', '/api/v1/routes/x'], ['PUT', '/api/v1/routes/x'], ['DELETE', '/api/v1/routes/x']] as const) {
      const response = await call(method, url, method === 'POST' || method === 'PUT' ? validRoute() : undefined, { authorization: 'Bearer wrong-key-000000000000' });
      expect(response.statusCode, `${method} ${url}`).toBe(401);
      expect(response.json<ErrorBody>().error.code).toBe('unauthorized');
    }
  });

  it('creates a route (201), lists it, gets it, and the route table matches with it', async () => {
    const created = await call('POST', '/api/v1/routes', validRoute());
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ id: 'alerts-critical', origin: 'api', enabled: true, definition: validRoute() });

    const listed = await call('GET', '/api/v1/routes');
    expect(listed.json<{ routes: Array<{ id: string }> }>().routes.map((r) => r.id)).toEqual(['alerts-critical']);
    const one = await call('GET', '/api/v1/routes/alerts-critical');
    expect(one.statusCode).toBe(200);
    expect(one.json()).toMatchObject({ id: 'alerts-critical', definition: validRoute() });

    expect((await sb.routeTable.match(alert)).map((r) => r.id)).toEqual(['alerts-critical']);
    expect(await sb.routeTable.match({ ...alert, data: { severity: 'low' } })).toEqual([]);
  });

  it('answers 409 route_exists for an id already taken, and keeps the original', async () => {
    const again = await call('POST', '/api/v1/routes', validRoute({ description: 'second' }));
    expect(again.statusCode).toBe(409);
    expect(again.json<ErrorBody>().error.code).toBe('route_exists');
    expect((await call('GET', '/api/v1/routes/alerts-critical')).json<{ definition: Record<string, unknown> }>().definition).not.toHaveProperty('description');
  });

  it('answers 422 route_invalid naming the first failing step and why, with every problem in details, and stores nothing', async () => {
    const invalid = validRoute({
      id: 'broken',
      steps: [
        { name: 'triage', kind: 'agent', agent: 'oracle' },
        { name: 'summary', kind: 'transform', expression: 'steps.triage.level +' },
      ],
    });
    const response = await call('POST', '/api/v1/routes', invalid);
    expect(response.statusCode).toBe(422);
    const body = response.json<ErrorBody>();
    expect(body.error.code).toBe('route_invalid');
    expect(body.error.message).toMatch(/^Route "broken" is invalid: step "triage" \(steps\[0\]\.agent\): unknown agent "oracle"/);
    expect(body.error.message).toMatch(/and 1 more problem/);
    expect(body.error.details).toEqual([
      { path: 'steps[0].agent', message: expect.stringMatching(/^unknown agent "oracle"/) },
      { path: 'steps[1].expression', message: expect.stringMatching(/^invalid JSONata: /) },
    ]);
    expect((await call('GET', '/api/v1/routes/broken')).statusCode).toBe(404);
    expect(sb.routeTable.get('broken')).toBeUndefined();

    const unknownKind = await call('POST', '/api/v1/routes', validRoute({ id: 'kindless', steps: [{ name: 'x', kind: 'fax' }] }));
    expect(unknownKind.statusCode).toBe(422);
    expect(unknownKind.json<ErrorBody>().error.details).toEqual([{ path: 'steps[0].kind', message: expect.stringMatching(/^unknown step kind "fax"/) }]);
  });

  it('answers 404 route_definition_not_found for an unknown id on GET, PUT and DELETE', async () => {
    for (const method of ['GET', 'PUT', 'DELETE'] as const) {
      const response = await call(method, '/api/v1/routes/nope', method === 'PUT' ? validRoute({ id: 'nope' }) : undefined);
      expect(response.statusCode, method).toBe(404);
      expect(response.json<ErrorBody>()).toEqual({ error: { code: 'route_definition_not_found', message: 'No route "nope".' } });
    }
  });

  it('replaces a route with PUT (id from the URL), rejects an invalid or mismatched body with 422, and reloads the table', async () => {
    const disabled = validRoute({ enabled: false });
    delete disabled['id'];
    const replaced = await call('PUT', '/api/v1/routes/alerts-critical', disabled);
    expect(replaced.statusCode).toBe(200);
    expect(replaced.json()).toMatchObject({ id: 'alerts-critical', origin: 'api', enabled: false, definition: { id: 'alerts-critical', enabled: false } });
    expect(await sb.routeTable.match(alert)).toEqual([]);

    const mismatched = await call('PUT', '/api/v1/routes/alerts-critical', validRoute({ id: 'other' }));
    expect(mismatched.statusCode).toBe(422);
    expect(mismatched.json<ErrorBody>().error.details).toEqual([{ path: 'id', message: 'must equal the id in the URL ("alerts-critical")' }]);

    const invalid = await call('PUT', '/api/v1/routes/alerts-critical', validRoute({ match: { filter: '((' } }));
    expect(invalid.statusCode).toBe(422);
    expect(invalid.json<ErrorBody>().error.details?.[0]?.path).toBe('match.filter');
    expect((await call('GET', '/api/v1/routes/alerts-critical')).json()).toMatchObject({ enabled: false });
  });

  it('deletes a route and drops it from the table', async () => {
    const deleted = await call('DELETE', '/api/v1/routes/alerts-critical');
    expect(deleted.statusCode).toBe(200);
    expect(deleted.json()).toEqual({ id: 'alerts-critical', deleted: true });
    expect((await call('GET', '/api/v1/routes/alerts-critical')).statusCode).toBe(404);
    expect(sb.routeTable.list()).toEqual([]);
  });
});
