import type { TSchema } from 'typebox';
import type { AnyAgent } from './agent.js';
import { complianceAgent } from './builtin/compliance.js';
import { intentAgent } from './builtin/intent.js';
import { learningAgent } from './builtin/learning.js';
import { meetingContextAgent } from './builtin/meeting-context.js';
import { rcaAgent } from './builtin/rca.js';
import { triageAgent } from './builtin/triage.js';

/** Every built-in agent a route step may name. */
export const builtinAgentNames = ['triage', 'rca', 'compliance', 'meeting_context', 'intent', 'learning'] as const;
export type BuiltinAgentName = (typeof builtinAgentNames)[number];

/** Built-ins keyed by name; the mapped type makes a name without an agent, or an agent filed under another name, fail to compile. */
export const builtinAgents: { readonly [K in BuiltinAgentName]: AnyAgent & { readonly name: K } } = {
  triage: triageAgent,
  rca: rcaAgent,
  compliance: complianceAgent,
  meeting_context: meetingContextAgent,
  intent: intentAgent,
  learning: learningAgent,
};

/** One agent as `GET /agents/list` shows it. */
export interface AgentListing {
  readonly name: string;
  readonly description: string;
  readonly input_schema: TSchema;
  readonly output_schema: TSchema;
}

export interface AgentRegistry {
  /** The agent registered under `name`, or undefined. */
  getAgent(name: string): AnyAgent | undefined;
  /** Every agent, built-ins first then custom agents, in registration order. */
  listAgents(): AgentListing[];
}

/** A registry of the built-ins plus `customAgents` (loaded from config later); a duplicate name is a config bug and throws. */
export function createAgentRegistry(customAgents: readonly AnyAgent[] = []): AgentRegistry {
  const agents = new Map<string, AnyAgent>(builtinAgentNames.map((name) => [name, builtinAgents[name]]));
  for (const agent of customAgents) {
    if (agents.has(agent.name)) throw new Error(`agent "${agent.name}" is registered twice (a custom agent may not reuse a built-in or another custom agent's name)`);
    agents.set(agent.name, agent);
  }
  return {
    getAgent: (name) => agents.get(name),
    listAgents: () =>
      [...agents.values()].map((agent) => ({ name: agent.name, description: agent.description, input_schema: agent.inputSchema, output_schema: agent.outputSchema })),
  };
}

/** The registry of built-in agents alone. */
export const agentRegistry: AgentRegistry = createAgentRegistry();
