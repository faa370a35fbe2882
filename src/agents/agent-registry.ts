import type { TSchema } from 'typebox';
import type { AnyAgent } from './agent.js';
import { createComplianceAgent, type Policy } from './builtin/compliance.js';
import { learningAgent } from './builtin/learning.js';
import { createMeetingContextAgent, type TeamMapping } from './builtin/meeting-context.js';
import { createTriageAgent } from './builtin/triage.js';
import { llmIntentAgent } from './llm/intent-llm.js';
import { llmRcaAgent } from './llm/rca-llm.js';

/** Every built-in agent a route step may name. */
export const builtinAgentNames = ['triage', 'rca', 'compliance', 'meeting_context', 'intent', 'learning'] as const;
export type BuiltinAgentName = (typeof builtinAgentNames)[number];

/** Built-ins keyed by name; the mapped type makes a name without an agent, or an agent filed under another name, fail to compile. */
export type BuiltinAgents = { readonly [K in BuiltinAgentName]: AnyAgent & { readonly name: K } };

/** What the built-ins use when a step's input leaves it out: the config's `agents` section. */
export interface BuiltinAgentDefaults {
  /** Compliance policies (else the built-in `defaultPolicies`). */
  readonly policies?: readonly Policy[];
  /** Critical systems for triage (substrings) and compliance (`$critical_systems`). */
  readonly criticalSystems?: readonly string[];
  /** meeting_context's attendees by system and alert type. */
  readonly teamMapping?: TeamMapping;
}

/**
 * The built-in agents, with `defaults` where a step gives none. `rca` and `intent` ask `ctx.llm`
 * first and fall back to their rules (marked `fallback` in the output); the rest are deterministic.
 */
export function createBuiltinAgents(defaults: BuiltinAgentDefaults = {}): BuiltinAgents {
  const { policies, criticalSystems, teamMapping } = defaults;
  return {
    triage: createTriageAgent(criticalSystems === undefined ? {} : { criticalSystems }),
    rca: llmRcaAgent,
    compliance: createComplianceAgent({ ...(policies === undefined ? {} : { policies }), ...(criticalSystems === undefined ? {} : { criticalSystems }) }),
    meeting_context: createMeetingContextAgent(teamMapping === undefined ? {} : { teamMapping }),
    intent: llmIntentAgent,
    learning: learningAgent,
  };
}

/** The built-ins with their own defaults. */
export const builtinAgents: BuiltinAgents = createBuiltinAgents();

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

/** A registry of `builtins` plus `customAgents` (loaded from the config's modules); a duplicate name is a config bug and throws. */
export function createAgentRegistry(customAgents: readonly AnyAgent[] = [], builtins: BuiltinAgents = builtinAgents): AgentRegistry {
  const agents = new Map<string, AnyAgent>(builtinAgentNames.map((name) => [name, builtins[name]]));
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
