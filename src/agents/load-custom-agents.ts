import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigError } from '../config/config-error.js';
import { coerceError } from '../core/coerce-error.js';
import type { AnyAgent } from './agent.js';

/** A custom agent and the module it came from, for messages that name both. */
export interface LoadedAgent {
  readonly agent: AnyAgent;
  /** The module as the config names it. */
  readonly module: string;
}

/** A name a route step can use: letters, digits, `_`, `-` and `.`, starting with a letter. */
const agentNamePattern = /^[A-Za-z][A-Za-z0-9_.-]{0,99}$/;

/**
 * Imports each module (relative paths against `baseDir`) and returns the agents it exports as
 * `default` (an agent or an array of them) and/or `agents`. `.ts` modules load only where a
 * TypeScript loader is active (tsx, vitest). Any problem stops start-up: a ConfigError names the
 * module, the export and what is wrong.
 */
export async function loadCustomAgents(modules: readonly string[], baseDir: string): Promise<LoadedAgent[]> {
  const loaded: LoadedAgent[] = [];
  for (const [index, specifier] of modules.entries()) {
    const file = isAbsolute(specifier) ? specifier : resolve(baseDir, specifier);
    const label = `agents.modules[${index}] "${specifier}"${file === specifier ? '' : ` (${file})`}`;
    if (!existsSync(file)) throw new ConfigError(`Invalid configuration:\n  ${label}: no such file`);
    let namespace: Record<string, unknown>;
    try {
      namespace = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
    } catch (thrown) {
      const error = coerceError(thrown);
      throw new ConfigError(`Invalid configuration:\n  ${label}: cannot be imported: ${error.message}`, { cause: error });
    }
    const agents = exportedAgents(namespace, label);
    if (agents.length === 0) throw new ConfigError(`Invalid configuration:\n  ${label}: exports no agent (expected a default export or an \`agents\` export: an agent or an array of agents)`);
    for (const agent of agents) loaded.push({ agent, module: specifier });
  }
  return loaded;
}

/** The agents of one module, each checked; the same object exported twice counts once. */
function exportedAgents(namespace: Record<string, unknown>, label: string): AnyAgent[] {
  const agents: AnyAgent[] = [];
  for (const exportName of ['default', 'agents'] as const) {
    const value = namespace[exportName];
    if (value === undefined) continue;
    const candidates = Array.isArray(value) ? value.map((item, i) => [`export "${exportName}"[${i}]`, item] as const) : [[`export "${exportName}"`, value] as const];
    for (const [where, candidate] of candidates) {
      const problem = agentProblem(candidate);
      if (problem !== undefined) throw new ConfigError(`Invalid configuration:\n  ${label}: ${where} is not an agent: ${problem}`);
      if (!agents.includes(candidate as AnyAgent)) agents.push(candidate as AnyAgent);
    }
  }
  return agents;
}

/** What keeps `value` from being an agent, or undefined when it is one. */
function agentProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return `expected an object with name, description, inputSchema, outputSchema and run, got ${value === null ? 'null' : typeof value}`;
  const agent = value as Record<string, unknown>;
  const name = agent['name'];
  if (typeof name !== 'string' || !agentNamePattern.test(name)) return `"name" must be a string of letters, digits, "_", "-" or "." starting with a letter (got ${JSON.stringify(name) ?? 'undefined'})`;
  if (typeof agent['description'] !== 'string' || agent['description'].trim() === '') return `agent "${name}": "description" must be a non-empty string`;
  for (const key of ['inputSchema', 'outputSchema'] as const) {
    const problem = schemaProblem(agent[key]);
    if (problem !== undefined) return `agent "${name}": "${key}" ${problem}`;
  }
  if (typeof agent['run'] !== 'function') return `agent "${name}": "run" must be a function (ctx, input) => Promise<output>`;
  return undefined;
}

/** A schema must be a JSON Schema object (TypeBox builds those) that survives JSON, since GET /agents/list sends it. */
function schemaProblem(schema: unknown): string | undefined {
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) return 'must be a JSON Schema object (e.g. built with TypeBox)';
  try {
    JSON.stringify(schema);
  } catch (error) {
    return `cannot be serialised as JSON: ${coerceError(error).message}`;
  }
  return undefined;
}
