import { createActionRegistry } from '../../src/actions/action-registry.js';
import { agentRegistry } from '../../src/agents/agent-registry.js';
import type { RouteRegistries } from '../../src/routing/validate-route.js';
import { Type } from 'typebox';

/** The built-in agents and one action, `create_ticket`, standing in for the later issue's actions. */
export const testRegistries: RouteRegistries = {
  agents: agentRegistry,
  actions: createActionRegistry([{ name: 'create_ticket', description: 'Opens a ticket.', inputSchema: Type.Object({}), run: async () => ({ ticket: 'T-1' }) }]),
};

/** A valid three-step route: triage → transform → emit. */
export function validRoute(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 'alerts-critical',
    match: { source: 'monitoring', type: 'alert.*', filter: 'data.severity = "critical"' },
    steps: [
      { name: 'triage', kind: 'agent', agent: 'triage', with: { alert: 'event.data' } },
      { name: 'summary', kind: 'transform', expression: '{"level": steps.triage.level, "id": event.id}' },
      { name: 'announce', kind: 'emit', type: 'alert.triaged', data: 'steps.summary' },
    ],
    ...overrides,
  };
}
