import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import type { TestDatabase } from '../support/test-database.js';

/** The custom agent `log_execution` (loaded by servers run through tsx, as startServe does). */
export const executionLogAgentModule = fileURLToPath(new URL('../fixtures/agents/execution-log-agent.ts', import.meta.url));

/** One line of the execution log: the process that executed a step, and the step's `<run id>:<step name>`. */
export interface StepExecution {
  readonly pid: number;
  readonly key: string;
}

/** Every step execution `log_execution` recorded in `file`, in order (none when the file does not exist yet). */
export function readExecutionLog(file: string): StepExecution[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      const [pid, key] = line.split(' ');
      if (pid === undefined || key === undefined) throw new Error(`malformed execution log line: ${line}`);
      return { pid: Number(pid), key };
    });
}

/** How many times each key occurs. */
export function countByKey(executions: readonly StepExecution[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const { key } of executions) counts.set(key, (counts.get(key) ?? 0) + 1);
  return counts;
}

/**
 * Writes a config file (JSON) with `log_execution` loaded, the given routes and `runs` settings, and
 * returns the environment `switchboard serve` needs for it on `database`.
 */
export function serverEnvironment(database: TestDatabase, options: { readonly adminKey: string; readonly routes: readonly unknown[]; readonly runs?: Readonly<Record<string, unknown>> }): Record<string, string> {
  const configFile = join(database.dataDir, 'switchboard.json');
  writeFileSync(configFile, JSON.stringify({ agents: { modules: [executionLogAgentModule] }, routes: options.routes, runs: options.runs ?? {} }));
  const env: Record<string, string> = { SWITCHBOARD_DATA_DIR: database.dataDir, SWITCHBOARD_ADMIN_KEY: options.adminKey, SWITCHBOARD_CONFIG: configFile };
  if (database.databaseUrl !== undefined) Object.assign(env, { DATABASE_URL: database.databaseUrl, SWITCHBOARD_PG_SCHEMA: database.pgSchema });
  return env;
}

/** Registers an endpoint that takes unsigned webhooks (scheme `none`): these tests are about runs, not verification. */
export async function registerUnsignedEndpoint(url: string, adminKey: string, endpointId: string): Promise<void> {
  const response = await fetch(`${url}/integration/webhooks/register`, {
    method: 'POST',
    headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ endpoint_id: endpointId, verification: { scheme: 'none' }, allow_unsigned: true }),
  });
  expect(response.status, await response.text()).toBe(201);
}

/** An alert as a monitoring system would post it, numbered `seq`; fits the triage agent's input. */
export function alertBody(seq: number): string {
  return JSON.stringify({ type: 'alert.created', alert_id: `ALT-${seq}`, severity: seq % 3 === 0 ? 'critical' : 'high', alert_type: 'database', description: 'Connection pool exhausted', affected_systems: ['orders-db'] });
}

/** Polls `check` until it answers true; fails naming `what` (and the last `progress`) after `timeoutMs`. */
export async function waitUntil(what: string, check: () => Promise<boolean>, options: { readonly timeoutMs: number; readonly progress?: () => string }): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${options.timeoutMs} ms waiting until ${what}${options.progress === undefined ? '' : ` (${options.progress()})`}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
