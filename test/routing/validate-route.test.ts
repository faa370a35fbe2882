import { describe, expect, it } from 'vitest';
import { validateRoute } from '../../src/routing/validate-route.js';
import { testRegistries, validRoute } from './route-fixtures.js';

const problemsOf = (definition: unknown) => {
  const validation = validateRoute(definition, testRegistries);
  if (validation.ok) throw new Error('expected the route to be invalid');
  return validation.errors;
};

describe('validateRoute', () => {
  it('accepts a valid route and applies its defaults, keeping the definition as declared', () => {
    const validation = validateRoute(validRoute(), testRegistries);
    expect(validation.ok).toBe(true);
    if (!validation.ok) return;
    const { compiled } = validation;
    expect(compiled.id).toBe('alerts-critical');
    expect(compiled.enabled).toBe(true);
    expect(compiled.respond).toEqual({ mode: 'async' });
    expect(compiled.match.filter).toBe((validRoute()['match'] as { filter: string }).filter);
    expect(compiled.definition).toEqual(validRoute());
  });

  it('names the step, field and parser message of a JSONata syntax error', () => {
    const route = validRoute();
    (route['steps'] as Array<Record<string, unknown>>)[0] = { name: 'triage', kind: 'agent', agent: 'triage', with: { alert: 'event.data +' } };
    const problems = problemsOf(route);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ path: 'steps[0].with.alert', step: 'triage' });
    expect(problems[0]?.message).toMatch(/^invalid JSONata: .+ \(at position \d+\)$/);
  });

  it('rejects a bad match.filter and a bad sync response expression', () => {
    const problems = problemsOf(
      validRoute({ match: { filter: 'data.(' }, respond: { mode: 'sync', response: { ok: true, level: '=steps.triage.level +', items: ['=$count(('] } } }),
    );
    expect(problems.map((p) => p.path)).toEqual(['match.filter', 'respond.response.level', 'respond.response.items[0]']);
  });

  it('reads a response string starting with == as a literal, not as a (broken) expression', () => {
    const validation = validateRoute(validRoute({ respond: { mode: 'sync', response: { formula: '==1+(', plain: 'kept' } } }), testRegistries);
    expect(validation.ok).toBe(true);
    if (!validation.ok || validation.compiled.respond.mode !== 'sync') throw new Error('expected a valid sync route');
    // Kept as declared; the renderer turns `==` into a literal `=` (test/runs/render-response-template.test.ts).
    expect(validation.compiled.respond.response).toEqual({ formula: '==1+(', plain: 'kept' });
  });

  it('rejects an unknown agent and an unknown action, listing what is registered', () => {
    const problems = problemsOf(
      validRoute({
        steps: [
          { name: 'guess', kind: 'agent', agent: 'oracle' },
          { name: 'page', kind: 'action', action: 'page_someone' },
          { name: 'ticket', kind: 'action', action: 'create_ticket', with: { title: 'steps.guess.title' } },
        ],
      }),
    );
    expect(problems).toEqual([
      { path: 'steps[0].agent', step: 'guess', message: expect.stringMatching(/^unknown agent "oracle" \(registered: triage, rca, .*\)$/) },
      { path: 'steps[1].action', step: 'page', message: 'unknown action "page_someone" (registered: create_ticket)' },
    ]);
  });

  it('rejects an unknown step kind with the kinds it accepts, even inside a branch', () => {
    const problems = problemsOf(
      validRoute({
        steps: [
          { name: 'teleport', kind: 'teleport' },
          { name: 'pick', kind: 'branch', cases: [{ when: 'true', steps: [{ name: 'inner', kind: 'sms' }] }] },
        ],
      }),
    );
    expect(problems).toEqual([
      { path: 'steps[0].kind', step: 'teleport', message: 'unknown step kind "teleport" (one of agent, action, transform, notify, emit, branch)' },
      { path: 'steps[1].cases[0].steps[0].kind', step: 'inner', message: expect.stringMatching(/^unknown step kind "sms"/) },
    ]);
  });

  it('reports missing fields and unknown fields of a step by path', () => {
    const problems = problemsOf(validRoute({ steps: [{ name: 'triage', kind: 'agent', agnet: 'triage' }] }));
    expect(problems).toEqual(
      expect.arrayContaining([
        { path: 'steps[0]', step: 'triage', message: expect.stringMatching(/agent/) },
        { path: 'steps[0].agnet', step: 'triage', message: 'unknown field' },
      ]),
    );
  });

  it('reports route-level schema problems (no steps, bad id)', () => {
    const problems = problemsOf({ id: 'bad id!', match: {}, steps: [] });
    expect(problems.map((p) => p.path)).toEqual(['id', 'steps']);
    expect(problemsOf('not a route')).toEqual([{ path: '(route)', message: 'must be an object' }]);
  });

  it('rejects duplicate step names across the whole route, branches included', () => {
    const problems = problemsOf(
      validRoute({
        steps: [
          { name: 'triage', kind: 'agent', agent: 'triage' },
          { name: 'pick', kind: 'branch', cases: [{ when: 'true', steps: [{ name: 'triage', kind: 'transform', expression: '1' }] }] },
        ],
      }),
    );
    expect(problems).toEqual([{ path: 'steps[1].cases[0].steps[0].name', step: 'triage', message: expect.stringMatching(/already used by steps\[0\]/) }]);
  });

  it('rejects a step reading a later step, a missing step, or itself', () => {
    const problems = problemsOf(
      validRoute({
        steps: [
          { name: 'first', kind: 'agent', agent: 'triage', with: { alert: 'steps.second.level', other: 'steps.nowhere' } },
          { name: 'second', kind: 'transform', expression: 'steps.second' },
        ],
      }),
    );
    expect(problems).toEqual([
      { path: 'steps[0].with.alert', step: 'first', message: 'references steps.second, but step "second" is not declared before this step (a step reads only the steps before it)' },
      { path: 'steps[0].with.other', step: 'first', message: 'references steps.nowhere, but there is no step named "nowhere"' },
      { path: 'steps[1].expression', step: 'second', message: 'references steps.second, but a step cannot read its own output' },
    ]);
  });

  it('accepts a nested branch whose steps read earlier steps, and later steps reading the branch\'s steps', () => {
    const validation = validateRoute(
      validRoute({
        steps: [
          { name: 'triage', kind: 'agent', agent: 'triage', with: { alert: 'event.data' } },
          {
            name: 'by_level',
            kind: 'branch',
            cases: [
              {
                when: 'steps.triage.level = "CRITICAL"',
                steps: [
                  { name: 'rca', kind: 'agent', agent: 'rca', with: { alert: 'event.data', triage: 'steps.triage' } },
                  {
                    name: 'inner',
                    kind: 'branch',
                    cases: [{ when: 'steps.rca.confidence > 0.5', steps: [{ name: 'page', kind: 'notify', to: '"oncall"', body: '"RCA: " & steps.rca.summary' }] }],
                    otherwise: [{ name: 'ticket', kind: 'action', action: 'create_ticket', with: { title: 'steps.rca.summary' } }],
                  },
                ],
              },
            ],
            otherwise: [{ name: 'log_only', kind: 'transform', expression: 'steps.triage' }],
          },
          { name: 'done', kind: 'emit', type: 'alert.handled', data: '{"rca": steps.rca, "ticket": steps.`ticket`}' },
        ],
        respond: { mode: 'sync', response: { level: '=steps.triage.level', literal: 'kept', n: 1 } },
      }),
      testRegistries,
    );
    expect(validation.ok ? [] : validation.errors).toEqual([]);
    if (!validation.ok) return;
    expect(validation.compiled.respond).toMatchObject({ mode: 'sync', timeoutMs: 10_000, status: 200 });
    const branch = validation.compiled.definition.steps[1];
    expect(branch?.kind === 'branch' && branch.cases[0]?.steps.map((s) => s.name)).toEqual(['rca', 'inner']);
  });

  it('keeps sibling cases apart: a case cannot read a step of another case', () => {
    const problems = problemsOf(
      validRoute({
        steps: [
          {
            name: 'pick',
            kind: 'branch',
            cases: [
              { when: 'true', steps: [{ name: 'a', kind: 'transform', expression: '1' }] },
              { when: 'true', steps: [{ name: 'b', kind: 'transform', expression: 'steps.a' }] },
            ],
          },
        ],
      }),
    );
    expect(problems.map((p) => p.path)).toEqual(['steps[0].cases[1].steps[0].expression']);
  });
});
