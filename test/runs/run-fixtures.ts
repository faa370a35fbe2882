import { pino } from 'pino';
import { agentRegistry } from '../../src/agents/agent-registry.js';
import type { EventEnvelope } from '../../src/core/event-envelope.js';
import { noActions, type ActionLookup, type RunnableAction } from '../../src/runs/action-lookup.js';
import type { StepDeps } from '../../src/runs/execute-step.js';
import type { StepScope } from '../../src/runs/step-scope.js';
import { seedAlert } from '../agents/agent-fixtures.js';

/** 2025-11-26T10:30:15Z, fifteen seconds after seed 000's alert was detected. */
export const pinnedNowMs = Date.parse('2025-11-26T10:30:15Z');

/** Seed 000's example alert as the envelope of an event received on the `chainsync` endpoint. */
export const seedEvent: EventEnvelope = {
  specversion: '1.0',
  id: 'evt-1',
  source: 'chainsync',
  type: 'chainsync.alert',
  time: '2025-11-26T10:30:01Z',
  datacontenttype: 'application/json',
  data: seedAlert,
  extensions: {},
};

export function scopeOf(steps: Record<string, unknown> = {}, event: EventEnvelope = seedEvent): StepScope {
  return { event, steps, run: { id: 'run-1', route_id: 'chainsync-alerts', attempt: 1 } };
}

/** Real built-in agents, a pinned clock and a silent logger. */
export function stepDeps(overrides: Partial<StepDeps> = {}): StepDeps {
  return { agents: agentRegistry, actions: noActions, clock: { nowMs: () => pinnedNowMs }, logger: pino({ level: 'silent' }), ...overrides };
}

/** A lookup over the given actions. */
export function actionsOf(...actions: RunnableAction[]): ActionLookup {
  const byName = new Map(actions.map((action) => [action.name, action]));
  return { getAction: (name) => byName.get(name) };
}
