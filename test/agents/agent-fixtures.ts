import { pino } from 'pino';
import { expect } from 'vitest';
import { Value } from 'typebox/value';
import type { AgentContext, AnyAgent } from '../../src/agents/agent.js';
import type { Alert } from '../../src/agents/alert-schema.js';

/** Seed 000's example ChainSync alert, verbatim. */
export const seedAlert: Alert = {
  alert_id: 'chainsync-alert-12345',
  alert_type: 'system_failure',
  severity: 'critical',
  description: 'Database connection pool exhausted',
  affected_systems: ['API Gateway', 'User Service'],
  detected_at: '2025-11-26T10:30:00Z',
  context: { connection_count: 100, max_connections: 100 },
};

/** A context with a pinned clock, a silent logger and no LLM or store. */
export function agentContext(nowMs = Date.parse('2025-11-26T10:30:15Z')): AgentContext {
  return { clock: { nowMs: () => nowMs }, logger: pino({ level: 'silent' }), idempotencyKey: 'run-1:step' };
}

/** Runs an agent after checking its input fits the input schema, and checks the output fits the output schema. */
export async function runChecked<O>(agent: AnyAgent, input: unknown): Promise<O> {
  expect(Value.Check(agent.inputSchema, input), `input fits ${agent.name}.inputSchema`).toBe(true);
  const output = await agent.run(agentContext(), input);
  const errors = [...Value.Errors(agent.outputSchema, output)];
  expect(errors, `output fits ${agent.name}.outputSchema`).toEqual([]);
  return output as O;
}
