import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { SwitchboardConfig } from '../config/config-schema.js';
import { ConfigError } from '../config/config-error.js';
import type { Clock } from '../core/clock.js';
import type { Database, Dialect } from '../store/database.js';
import { insertLearningRecord } from '../store/learning/insert-learning-record.js';
import { listRecentLearningAlerts } from '../store/learning/list-recent-learning-alerts.js';
import type { AgentStoreReader, LearningRecorder, LlmClient } from './agent.js';
import { builtinAgentNames, createAgentRegistry, createBuiltinAgents, type AgentRegistry, type BuiltinAgentDefaults } from './agent-registry.js';
import { compilePolicyCondition, PolicyConditionError } from './builtin/policy-condition.js';
import { createLlmClient } from './llm/create-llm-client.js';
import { loadCustomAgents } from './load-custom-agents.js';

/** Everything the run engine gives agent steps, built once at start-up from the config. */
export interface AgentServices {
  /** Built-ins (with the config's defaults) and custom agents: for route validation, `GET /agents/list` and step execution. */
  readonly registry: AgentRegistry;
  /** The configured LLM, or undefined when the config has no `llm` section. */
  readonly llm?: LlmClient;
  /** `ctx.store`: recent processed alerts, read from learning_data. */
  readonly store: AgentStoreReader;
  /** `ctx.learning`: records interactions in learning_data, idempotent on the step's key. */
  readonly learning: LearningRecorder;
}

export interface AgentServicesArgs {
  readonly config: SwitchboardConfig;
  readonly db: Kysely<Database>;
  readonly logger: Logger;
  /** The config file's directory: relative `agents.modules` paths start there (the working directory when absent). */
  readonly configDir?: string;
  /** Accepted for symmetry with the other services; the agents' queries are the same on both dialects. */
  readonly dialect?: Dialect;
  /** Accepted for symmetry; agents read time from `ctx.clock`, which the run engine passes. */
  readonly clock?: Clock;
}

/**
 * Builds the agent registry, the LLM client and the store access agents get, from the config. A bad
 * custom module, a policy whose condition does not compile, or a duplicate agent or policy name
 * stops start-up with a ConfigError naming it.
 */
export async function createAgentServices(args: AgentServicesArgs): Promise<AgentServices> {
  const { config, db, logger } = args;
  const defaults = builtinDefaults(config.agents);

  const custom = await loadCustomAgents(config.agents.modules, args.configDir ?? process.cwd());
  const owners = new Map<string, string>(builtinAgentNames.map((name) => [name, 'the built-in agent']));
  for (const { agent, module } of custom) {
    const owner = owners.get(agent.name);
    if (owner !== undefined) throw new ConfigError(`Invalid configuration:\n  agents.modules: agent "${agent.name}" from "${module}" reuses the name of ${owner}`);
    owners.set(agent.name, `the agent from "${module}"`);
  }
  const registry = createAgentRegistry(
    custom.map(({ agent }) => agent),
    createBuiltinAgents(defaults),
  );
  if (custom.length > 0) logger.info({ agents: custom.map(({ agent, module }) => ({ name: agent.name, module })) }, 'custom agents loaded');

  const llm = config.llm === undefined ? undefined : createLlmClient({
    baseUrl: config.llm.base_url,
    model: config.llm.model,
    ...(config.llm.api_key === undefined ? {} : { apiKey: config.llm.api_key }),
    timeoutMs: config.llm.timeout_ms,
    maxSteps: config.llm.max_steps,
    breaker: { failureThreshold: config.llm.breaker.failure_threshold, halfOpenAfterMs: config.llm.breaker.half_open_after_ms },
  });
  if (config.llm !== undefined) logger.info({ base_url: config.llm.base_url, model: config.llm.model }, 'LLM configured for agents');

  const store: AgentStoreReader = { recentAlerts: (query) => listRecentLearningAlerts(db, query) };
  const learning: LearningRecorder = { record: (entry) => insertLearningRecord(db, entry) };
  return llm === undefined ? { registry, store, learning } : { registry, llm, store, learning };
}

/** The built-ins' defaults from the config's `agents` section, with every policy condition compiled now rather than at the first alert. */
function builtinDefaults(section: SwitchboardConfig['agents']): BuiltinAgentDefaults {
  const { policies, critical_systems: criticalSystems, team_mapping: teamMapping } = section;
  const seen = new Set<string>();
  for (const [index, policy] of (policies ?? []).entries()) {
    if (seen.has(policy.id)) throw new ConfigError(`Invalid configuration:\n  agents.policies[${index}]: policy id "${policy.id}" is used twice`);
    seen.add(policy.id);
    try {
      compilePolicyCondition(policy.id, policy.condition);
    } catch (error) {
      if (error instanceof PolicyConditionError) throw new ConfigError(`Invalid configuration:\n  agents.policies[${index}].condition: ${error.message}`, { cause: error });
      throw error;
    }
  }
  return {
    ...(policies === undefined ? {} : { policies }),
    ...(criticalSystems === undefined ? {} : { criticalSystems }),
    ...(teamMapping === undefined ? {} : { teamMapping }),
  };
}
