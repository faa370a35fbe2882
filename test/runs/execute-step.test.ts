import { Type } from 'typebox';
import { describe, expect, it } from 'vitest';
import type { AgentContext, AnyAgent } from '../../src/agents/agent.js';
import { createAgentRegistry } from '../../src/agents/agent-registry.js';
import type { StepDefinition } from '../../src/routing/route-definition.js';
import type { ActionContext, RunnableAction } from '../../src/runs/action-lookup.js';
import { executeStep } from '../../src/runs/execute-step.js';
import type { StepOutcome } from '../../src/runs/step-outcome.js';
import { withStepOutput } from '../../src/runs/step-scope.js';
import { actionsOf, scopeOf, stepDeps } from './run-fixtures.js';

const triageStep: StepDefinition = { name: 'triage', kind: 'agent', agent: 'triage', with: { alert: 'event.data' } };

function failureOf(outcome: StepOutcome) {
  if (outcome.kind !== 'failed') throw new Error(`expected a failure, got ${JSON.stringify(outcome)}`);
  return outcome.error;
}

/** An agent that throws `thrown` and records the context it was given. */
function throwingAgent(thrown: unknown, seen: AgentContext[] = []): AnyAgent {
  return {
    name: 'flaky',
    description: 'throws',
    inputSchema: Type.Object({}),
    outputSchema: Type.Object({}),
    run: async (ctx) => {
      seen.push(ctx);
      throw thrown;
    },
  };
}

describe('executeStep: agent steps', () => {
  it("triages seed 000's alert as CRITICAL with the real triage agent", async () => {
    const outcome = await executeStep(triageStep, scopeOf(), stepDeps());
    expect(outcome).toMatchObject({ kind: 'output', output: { level: 'CRITICAL', score: 1, recommended_response_time: '< 1 hour' } });
  });

  it("feeds an earlier step's output to a later step by name", async () => {
    const first = await executeStep(triageStep, scopeOf(), stepDeps());
    if (first.kind !== 'output') throw new Error('triage failed');
    const scope = withStepOutput(scopeOf(), 'triage', first.output);
    const briefing = await executeStep({ name: 'brief', kind: 'agent', agent: 'meeting_context', with: { alert: 'event.data', triage: 'steps.triage' } }, scope, stepDeps());
    expect(briefing).toMatchObject({ kind: 'output', output: { title: '[CRITICAL] System Failure Review' } });
    expect(await executeStep({ name: 'level', kind: 'transform', expression: 'steps.triage.level' }, scope, stepDeps())).toEqual({ kind: 'output', output: 'CRITICAL' });
  });

  it('gives the agent the clock, logger and a run-id:step-name idempotency key', async () => {
    const seen: AgentContext[] = [];
    const registry = createAgentRegistry([throwingAgent(new Error('boom'), seen)]);
    await executeStep({ name: 'call', kind: 'agent', agent: 'flaky' }, scopeOf(), stepDeps({ agents: registry }));
    expect(seen[0]?.idempotencyKey).toBe('run-1:call');
    expect(seen[0]?.clock.nowMs()).toBe(Date.parse('2025-11-26T10:30:15Z'));
  });

  it('fails with non-retryable input_invalid naming the first bad path', async () => {
    const error = failureOf(await executeStep({ name: 'triage', kind: 'agent', agent: 'triage', with: { alert: 'event.data.alert_id' } }, scopeOf(), stepDeps()));
    expect(error).toMatchObject({ code: 'input_invalid', retryable: false });
    expect(error.message).toContain('/alert');
  });

  it('fails with output_invalid when the agent breaks its output schema', async () => {
    const liar: AnyAgent = { name: 'liar', description: 'bad output', inputSchema: Type.Object({}), outputSchema: Type.Object({ level: Type.String() }), run: async () => ({ level: 3 }) };
    const error = failureOf(await executeStep({ name: 'lie', kind: 'agent', agent: 'liar' }, scopeOf(), stepDeps({ agents: createAgentRegistry([liar]) })));
    expect(error).toMatchObject({ code: 'output_invalid', retryable: false });
    expect(error.message).toContain('/level');
  });

  it('fails with unknown_agent for a name nobody registered', async () => {
    expect(failureOf(await executeStep({ name: 'x', kind: 'agent', agent: 'oracle' }, scopeOf(), stepDeps()))).toMatchObject({ code: 'unknown_agent', retryable: false });
  });

  it('turns a thrown error into retryable step_error, honouring retryable: false and retryAfterMs', async () => {
    const run = (thrown: unknown) => executeStep({ name: 'call', kind: 'agent', agent: 'flaky' }, scopeOf(), stepDeps({ agents: createAgentRegistry([throwingAgent(thrown)]) }));
    expect(failureOf(await run(new Error('socket hang up')))).toEqual({ code: 'step_error', message: 'agent "flaky" threw: socket hang up', retryable: true });
    expect(failureOf(await run(Object.assign(new Error('bad credentials'), { retryable: false })))).toMatchObject({ code: 'step_error', retryable: false });
    expect(failureOf(await run(Object.assign(new Error('rate limited'), { retryAfterMs: 30_000 })))).toMatchObject({ code: 'step_error', retryable: true, retryAfterMs: 30_000 });
    expect(failureOf(await run('a string'))).toMatchObject({ code: 'step_error', retryable: true });
  });

  it('fails with the expression code when a `with` input is broken', async () => {
    const error = failureOf(await executeStep({ name: 'triage', kind: 'agent', agent: 'triage', with: { alert: 'event.data.(' } }, scopeOf(), stepDeps()));
    expect(error).toMatchObject({ code: 'expression_invalid', retryable: false });
    expect(error.message).toMatch(/^input "alert"/);
  });
});

describe('executeStep: action steps', () => {
  const calls: { ctx: ActionContext; input: unknown }[] = [];
  const createMeeting: RunnableAction = {
    name: 'slotify.create_meeting',
    inputSchema: Type.Object({ title: Type.String() }),
    outputSchema: Type.Object({ meeting_id: Type.String() }),
    run: async (ctx, input) => {
      calls.push({ ctx, input });
      if ((input as { title: string }).title === 'fail') throw Object.assign(new Error('503'), { retryAfterMs: 5_000 });
      return { meeting_id: 'm-1' };
    },
  };
  const deps = stepDeps({ actions: actionsOf(createMeeting) });

  it('runs the action with evaluated inputs and the idempotency key', async () => {
    const outcome = await executeStep({ name: 'meeting', kind: 'action', action: 'slotify.create_meeting', with: { title: '"Review " & event.data.alert_id' } }, scopeOf(), deps);
    // The evaluated inputs come back with the outcome, so the run records what the step was given.
    expect(outcome).toEqual({ kind: 'output', output: { meeting_id: 'm-1' }, input: { title: 'Review chainsync-alert-12345' } });
    expect(calls.at(-1)).toMatchObject({ input: { title: 'Review chainsync-alert-12345' }, ctx: { idempotencyKey: 'run-1:meeting' } });
  });

  it('validates input, passes retryAfterMs on, and knows unknown actions', async () => {
    expect(failureOf(await executeStep({ name: 'm', kind: 'action', action: 'slotify.create_meeting', with: { title: '42' } }, scopeOf(), deps))).toMatchObject({ code: 'input_invalid' });
    expect(failureOf(await executeStep({ name: 'm', kind: 'action', action: 'slotify.create_meeting', with: { title: '"fail"' } }, scopeOf(), deps))).toMatchObject({ code: 'step_error', retryable: true, retryAfterMs: 5_000 });
    expect(failureOf(await executeStep({ name: 'm', kind: 'action', action: 'nope' }, scopeOf(), deps))).toMatchObject({ code: 'unknown_action', retryable: false });
  });
});

describe('executeStep: transform, branch, emit', () => {
  it('transforms to the expression value, null when it matches nothing', async () => {
    expect(await executeStep({ name: 't', kind: 'transform', expression: '{"id": event.data.alert_id, "n": $count(event.data.affected_systems)}' }, scopeOf(), stepDeps())).toEqual({ kind: 'output', output: { id: 'chainsync-alert-12345', n: 2 } });
    expect(await executeStep({ name: 't', kind: 'transform', expression: 'event.data.missing' }, scopeOf(), stepDeps())).toEqual({ kind: 'output', output: null });
  });

  it('fails a runaway transform with expression_timeout', async () => {
    const outcome = await executeStep({ name: 't', kind: 'transform', expression: '($loop := function($n) { $loop($n + 1) }; $loop(0))' }, scopeOf(), stepDeps({ expressionLimits: { timeoutMs: 50, maxDepth: 5_000 } }));
    expect(failureOf(outcome)).toMatchObject({ code: 'expression_timeout', retryable: false });
  });

  const critical: StepDefinition[] = [{ name: 'page', kind: 'transform', expression: '"page"' }];
  const high: StepDefinition[] = [{ name: 'ticket', kind: 'transform', expression: '"ticket"' }];
  const otherwise: StepDefinition[] = [{ name: 'log', kind: 'transform', expression: '"log"' }];
  const branch = (withOtherwise: boolean): StepDefinition => ({
    name: 'route_by_urgency',
    kind: 'branch',
    cases: [
      { when: 'steps.triage.level = "CRITICAL"', steps: critical },
      { when: 'steps.triage.level in ["CRITICAL", "HIGH"]', steps: high },
    ],
    ...(withOtherwise ? { otherwise } : {}),
  });

  it('chooses the first case whose condition is truthy', async () => {
    expect(await executeStep(branch(true), scopeOf({ triage: { level: 'CRITICAL' } }), stepDeps())).toEqual({ kind: 'branch', steps: critical });
    expect(await executeStep(branch(true), scopeOf({ triage: { level: 'HIGH' } }), stepDeps())).toEqual({ kind: 'branch', steps: high });
  });

  it('falls back to otherwise, or to no steps', async () => {
    expect(await executeStep(branch(true), scopeOf({ triage: { level: 'LOW' } }), stepDeps())).toEqual({ kind: 'branch', steps: otherwise });
    expect(await executeStep(branch(false), scopeOf({ triage: { level: 'LOW' } }), stepDeps())).toEqual({ kind: 'branch', steps: [] });
  });

  it('fails a branch whose condition does not evaluate, naming the case', async () => {
    const error = failureOf(await executeStep({ name: 'b', kind: 'branch', cases: [{ when: 'steps.x + "a"', steps: [] }] }, scopeOf({ x: 1 }), stepDeps()));
    expect(error).toMatchObject({ code: 'expression_failed' });
    expect(error.message).toMatch(/^case 0/);
  });

  it('emits an event with evaluated data and subject', async () => {
    const outcome = await executeStep({ name: 'e', kind: 'emit', type: 'alert.triaged', data: '{"alert_id": event.data.alert_id, "level": steps.triage.level}', subject: 'event.data.alert_id' }, scopeOf({ triage: { level: 'CRITICAL' } }), stepDeps());
    expect(outcome).toEqual({ kind: 'emit', event: { type: 'alert.triaged', data: { alert_id: 'chainsync-alert-12345', level: 'CRITICAL' }, subject: 'chainsync-alert-12345' } });
    expect(failureOf(await executeStep({ name: 'e', kind: 'emit', type: 'x', data: '1', subject: '42' }, scopeOf(), stepDeps()))).toMatchObject({ code: 'input_invalid' });
  });
});

describe('executeStep: notify', () => {
  const notify = (to: string, extra: Partial<Extract<StepDefinition, { kind: 'notify' }>> = {}): StepDefinition => ({ name: 'n', kind: 'notify', to, body: '"Alert " & event.data.alert_id', ...extra });

  it('coerces one user id to a list', async () => {
    expect(await executeStep(notify('"u-oncall"'), scopeOf(), stepDeps())).toEqual({ kind: 'notify', request: { user_ids: ['u-oncall'], body: 'Alert chainsync-alert-12345', strategy: 'all' } });
  });

  it('keeps an array of ids (deduplicated) and evaluates subject, data, channels, strategy', async () => {
    const outcome = await executeStep(
      notify('["u-1", "u-2", "u-1"]', { subject: '"[" & steps.triage.level & "] " & event.data.alert_type', data: '{"alert": event.data.alert_id}', channels: ['email', 'slack'], strategy: 'first_success' }),
      scopeOf({ triage: { level: 'CRITICAL' } }),
      stepDeps(),
    );
    expect(outcome).toEqual({
      kind: 'notify',
      request: { user_ids: ['u-1', 'u-2'], subject: '[CRITICAL] system_failure', body: 'Alert chainsync-alert-12345', data: { alert: 'chainsync-alert-12345' }, channels: ['email', 'slack'], strategy: 'first_success' },
    });
  });

  it.each([['42'], ['[]'], ['["u-1", 2]'], ['{"id": "u-1"}'], ['event.data.nobody']])('fails with input_invalid when `to` is %s', async (to) => {
    expect(failureOf(await executeStep(notify(to), scopeOf(), stepDeps()))).toMatchObject({ code: 'input_invalid', retryable: false });
  });

  it('fails with input_invalid when the body is not text', async () => {
    expect(failureOf(await executeStep(notify('"u-1"', { body: 'event.data.context' }), scopeOf(), stepDeps()))).toMatchObject({ code: 'input_invalid' });
  });
});
