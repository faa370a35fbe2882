import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { EventEnvelope } from '../../src/core/event-envelope.js';
import type { CompiledRoute } from '../../src/routing/compiled-route.js';
import { matchRoutes } from '../../src/routing/match-routes.js';
import { validateRoute } from '../../src/routing/validate-route.js';
import { testRegistries } from './route-fixtures.js';

function route(id: string, match: Record<string, string>, extra: Record<string, unknown> = {}): CompiledRoute {
  const validation = validateRoute({ id, match, steps: [{ name: 'noop', kind: 'transform', expression: 'event' }], ...extra }, testRegistries);
  if (!validation.ok) throw new Error(JSON.stringify(validation.errors));
  return validation.compiled;
}

function envelope(overrides: Partial<EventEnvelope> = {}): EventEnvelope {
  return {
    specversion: '1.0',
    id: 'evt_1',
    source: 'monitoring-eu',
    type: 'alert.created',
    time: '2025-01-01T00:00:00.000Z',
    datacontenttype: 'application/json',
    data: { severity: 'critical', systems: ['db'] },
    extensions: { clientip: '10.0.0.1' },
    ...overrides,
  };
}

/** A pino logger writing to an array, to check what was logged. */
function capturingLogger(): { logger: pino.Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const logger = pino({ level: 'warn' }, { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) });
  return { logger, lines };
}

describe('matchRoutes', () => {
  it('matches source and type globs', async () => {
    const routes = [
      route('any', {}),
      route('by-source', { source: 'monitoring-*' }),
      route('by-type', { type: 'alert.*' }),
      route('exact-both', { source: 'monitoring-eu', type: 'alert.created' }),
      route('other-source', { source: 'github' }),
      route('other-type', { type: 'payment.*' }),
    ];
    expect(await matchRoutes(routes, envelope())).toEqual(['any', 'by-source', 'by-type', 'exact-both']);
  });

  it('requires a truthy filter over the CloudEvents JSON (data, attributes and extensions)', async () => {
    const routes = [
      route('critical', { filter: 'data.severity = "critical"' }),
      route('warning', { filter: 'data.severity = "warning"' }),
      route('has-db', { filter: '"db" in data.systems' }),
      route('by-attribute', { filter: 'specversion = "1.0" and source = "monitoring-eu" and clientip = "10.0.0.1"' }),
      route('empty-result', { filter: 'data.nothing' }),
    ];
    expect(await matchRoutes(routes, envelope())).toEqual(['critical', 'has-db', 'by-attribute']);
  });

  it('treats a filter that throws as not matching, logs it, and still matches the other routes', async () => {
    const { logger, lines } = capturingLogger();
    const routes = [route('throws', { filter: '$error("boom")' }), route('fine', { type: 'alert.*' })];
    expect(await matchRoutes(routes, envelope(), { logger })).toEqual(['fine']);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ route: 'throws', event_id: 'evt_1', msg: expect.stringMatching(/filter failed/) });
  });

  it('never matches a disabled route', async () => {
    const routes = [route('off', {}, { enabled: false }), route('on', {})];
    expect(await matchRoutes(routes, envelope())).toEqual(['on']);
  });
});
