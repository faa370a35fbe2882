import { describe, expect, it } from 'vitest';
import { evaluateExpression } from '../../src/runs/evaluate-expression.js';
import { pinnedNowMs, scopeOf } from './run-fixtures.js';

describe('evaluateExpression', () => {
  it('reads the event, earlier steps and the run from the scope', async () => {
    const scope = scopeOf({ triage: { level: 'CRITICAL' } });
    expect(await evaluateExpression('event.data.alert_id', scope)).toEqual({ ok: true, value: 'chainsync-alert-12345' });
    expect(await evaluateExpression('steps.triage.level', scope)).toEqual({ ok: true, value: 'CRITICAL' });
    expect(await evaluateExpression('run.id & "/" & run.route_id & "/" & run.attempt', scope)).toEqual({ ok: true, value: 'run-1/chainsync-alerts/1' });
  });

  it('returns plain JSON: sequences become ordinary arrays, no match is undefined', async () => {
    const result = await evaluateExpression('event.data.affected_systems.$uppercase($)', scopeOf());
    expect(result).toEqual({ ok: true, value: ['API GATEWAY', 'USER SERVICE'] });
    expect(result.ok && Object.keys(result.value as object)).toEqual(['0', '1']);
    expect(await evaluateExpression('event.data.nothing_here', scopeOf())).toEqual({ ok: true, value: undefined });
  });

  it('answers $now() and $millis() from nowMs when given', async () => {
    expect(await evaluateExpression('$now()', scopeOf(), { nowMs: pinnedNowMs })).toEqual({ ok: true, value: '2025-11-26T10:30:15.000Z' });
    expect(await evaluateExpression('$millis()', scopeOf(), { nowMs: pinnedNowMs })).toEqual({ ok: true, value: pinnedNowMs });
    expect(await evaluateExpression("$now('[Y0001]-[M01]')", scopeOf(), { nowMs: pinnedNowMs })).toEqual({ ok: true, value: '2025-11' });
  });

  it('reports a compile error as expression_invalid, with position', async () => {
    const result = await evaluateExpression('event.data.(', scopeOf());
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.failure).toMatchObject({ code: 'expression_invalid', retryable: false });
    expect(result.failure.message).toMatch(/position \d+/);
  });

  it('reports an evaluation error as expression_failed', async () => {
    const result = await evaluateExpression('event.data.severity + 1', scopeOf());
    expect(result).toMatchObject({ ok: false, failure: { code: 'expression_failed', retryable: false } });
    expect(!result.ok && result.failure.message).toContain('T2001');
  });

  it('rejects a function result', async () => {
    expect(await evaluateExpression('function($x) { $x }', scopeOf())).toMatchObject({ ok: false, failure: { code: 'expression_failed' } });
  });

  it('stops a runaway loop with expression_timeout', async () => {
    const started = Date.now();
    const result = await evaluateExpression('($loop := function($n) { $loop($n + 1) }; $loop(0))', scopeOf(), { limits: { timeoutMs: 50, maxDepth: 5_000 } });
    expect(result).toMatchObject({ ok: false, failure: { code: 'expression_timeout', retryable: false } });
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('stops non-terminating recursion at the depth limit', async () => {
    const result = await evaluateExpression('($f := function($n) { 1 + $f($n + 1) }; $f(0))', scopeOf(), { limits: { timeoutMs: 5_000, maxDepth: 500 } });
    expect(result).toMatchObject({ ok: false, failure: { code: 'expression_failed' } });
    expect(!result.ok && result.failure.message).toContain('D1011');
  });

  it('compiles once and gives the same answers from the cache', async () => {
    for (let i = 0; i < 3; i += 1) expect(await evaluateExpression('$count(event.data.affected_systems)', scopeOf())).toEqual({ ok: true, value: 2 });
  });
});
