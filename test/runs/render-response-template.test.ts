import { describe, expect, it } from 'vitest';
import { renderResponseTemplate } from '../../src/runs/render-response-template.js';
import { pinnedNowMs, scopeOf } from './run-fixtures.js';

/** Seed 000's sync response, as a route's `response` template. */
const seedResponse = {
  status: 'success',
  message: 'Alert processed and meeting created',
  data: { alert_id: '=event.data.alert_id', urgency: '=steps.triage' },
  timestamp: '=$now()',
};

describe('renderResponseTemplate', () => {
  it("renders seed 000's response shape over a finished run", async () => {
    const triage = { level: 'CRITICAL', score: 1, recommended_response_time: '< 1 hour' };
    const result = await renderResponseTemplate(seedResponse, scopeOf({ triage }), { nowMs: pinnedNowMs });
    expect(result).toEqual({
      ok: true,
      value: { status: 'success', message: 'Alert processed and meeting created', data: { alert_id: 'chainsync-alert-12345', urgency: triage }, timestamp: '2025-11-26T10:30:15.000Z' },
    });
  });

  it('unescapes == to a literal leading = and leaves other values alone', async () => {
    const template = { formula: '==1+1', plain: 'a = b', n: 3, ok: true, none: null, list: ['=run.id', '==x', 7] };
    expect(await renderResponseTemplate(template, scopeOf())).toEqual({ ok: true, value: { formula: '=1+1', plain: 'a = b', n: 3, ok: true, none: null, list: ['run-1', '=x', 7] } });
  });

  it('drops object keys whose expression matches nothing, and nulls array items', async () => {
    expect(await renderResponseTemplate({ a: '=event.data.missing', b: ['=event.data.missing'] }, scopeOf())).toEqual({ ok: true, value: { b: [null] } });
  });

  it('renders a bare string template', async () => {
    expect(await renderResponseTemplate('=run.route_id', scopeOf())).toEqual({ ok: true, value: 'chainsync-alerts' });
  });

  it('fails with the expression code and the template path', async () => {
    const result = await renderResponseTemplate({ data: { urgency: '=steps.triage.(' } }, scopeOf());
    expect(result).toMatchObject({ ok: false, failure: { code: 'expression_invalid' } });
    expect(!result.ok && result.failure.message).toMatch(/^response template at \$\.data\.urgency/);
  });
});
