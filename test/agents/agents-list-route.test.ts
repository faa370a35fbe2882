import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtinAgentNames } from '../../src/agents/agent-registry.js';
import { startTestSwitchboard, type TestSwitchboard } from '../support/test-switchboard.js';

describe('GET /agents/list', () => {
  let sb: TestSwitchboard;
  beforeAll(async () => {
    sb = await startTestSwitchboard();
  });
  afterAll(async () => {
    await sb.stop();
  });

  it('lists every built-in agent with its description and JSON schemas, without authentication (seed 000)', async () => {
    const response = await sb.app.inject({ method: 'GET', url: '/agents/list' });
    expect(response.statusCode).toBe(200);
    const body = response.json<{ total: number; agents: Array<{ name: string; description: string; input_schema: { type?: string }; output_schema: { type?: string } }> }>();
    expect(body.agents.map((a) => a.name).sort()).toEqual([...builtinAgentNames].sort());
    expect(body.total).toBe(builtinAgentNames.length);
    for (const agent of body.agents) {
      expect(agent.description.length).toBeGreaterThan(10);
      expect(agent.input_schema.type).toBe('object');
      expect(agent.output_schema.type).toBe('object');
    }
  });
});
