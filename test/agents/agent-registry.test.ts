import { describe, expect, it } from 'vitest';
import { Type } from 'typebox';
import { Value } from 'typebox/value';
import type { AnyAgent } from '../../src/agents/agent.js';
import { agentRegistry, builtinAgentNames, createAgentRegistry } from '../../src/agents/agent-registry.js';
import { agentContext } from './agent-fixtures.js';

const echoAgent: AnyAgent = {
  name: 'echo',
  description: 'Returns its input',
  inputSchema: Type.Object({ value: Type.String() }),
  outputSchema: Type.Object({ value: Type.String() }),
  run: async (_ctx, input) => input,
};

describe('agent registry', () => {
  it('lists every built-in with its description and JSON schemas', () => {
    const listing = agentRegistry.listAgents();
    expect(listing.map((a) => a.name)).toEqual(['triage', 'rca', 'compliance', 'meeting_context', 'intent', 'learning']);
    for (const agent of listing) {
      expect(agent.description.length).toBeGreaterThan(20);
      expect(agent.input_schema).toMatchObject({ type: 'object' });
      expect(agent.output_schema).toMatchObject({ type: 'object' });
      // Plain JSON: what GET /agents/list will send.
      expect(JSON.parse(JSON.stringify(agent.input_schema))).toEqual(agent.input_schema);
    }
  });

  it('finds agents by name and nothing for unknown names', () => {
    for (const name of builtinAgentNames) expect(agentRegistry.getAgent(name)?.name).toBe(name);
    expect(agentRegistry.getAgent('nope')).toBeUndefined();
  });

  it('adds custom agents after the built-ins and refuses a duplicate name', async () => {
    const registry = createAgentRegistry([echoAgent]);
    expect(registry.listAgents().at(-1)?.name).toBe('echo');
    const echo = registry.getAgent('echo');
    const output = await echo?.run(agentContext(), { value: 'hi' });
    expect(Value.Check(echoAgent.outputSchema, output)).toBe(true);
    expect(() => createAgentRegistry([{ ...echoAgent, name: 'triage' }])).toThrow(/agent "triage" is registered twice/);
  });

  it('runs every built-in without an LLM or a store', async () => {
    const ctx = agentContext();
    expect(ctx.llm).toBeUndefined();
    expect(ctx.store).toBeUndefined();
    const inputs: Record<string, unknown> = {
      triage: { alert: {} },
      rca: { alert: {} },
      compliance: { alert: {} },
      meeting_context: { alert: {} },
      intent: { text: 'hello' },
      learning: { alert: {} },
    };
    for (const name of builtinAgentNames) {
      const agent = agentRegistry.getAgent(name);
      if (!agent) throw new Error(`missing ${name}`);
      expect(Value.Check(agent.inputSchema, inputs[name])).toBe(true);
      expect(Value.Check(agent.outputSchema, await agent.run(ctx, inputs[name]))).toBe(true);
    }
  });
});
