import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { Value } from 'typebox/value';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAgentServices } from '../../src/agents/agent-services.js';
import { ConfigError } from '../../src/config/config-error.js';
import { loadConfig } from '../../src/config/load-config.js';
import type { Store } from '../../src/store/store.js';
import { openTestStore } from '../support/test-database.js';
import { agentContext } from './agent-fixtures.js';

const fixturesDir = fileURLToPath(new URL('../fixtures/agents/', import.meta.url));
const logger = pino({ level: 'silent' });

describe('custom agents from agents.modules', () => {
  let store: Store;
  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ store, close } = await openTestStore('sqlite'));
  });
  afterAll(async () => {
    await close();
  });

  const servicesFor = (modules: string[], options: { configDir?: string } = { configDir: fixturesDir }) =>
    createAgentServices({ config: loadConfig({ env: {}, overrides: { 'agents.modules': modules } }), db: store.db, dialect: store.dialect, logger, ...options });

  const startUpError = async (modules: string[]): Promise<string> => {
    const error: unknown = await servicesFor(modules).then(
      () => expect.unreachable('start-up succeeded'),
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  };

  it('loads TypeScript and JavaScript modules (relative to the config directory) after the built-ins', async () => {
    const { registry } = await servicesFor(['echo-agent.ts', './ticket-agents.ts', join(fixturesDir, 'plain-js-agent.mjs')]);
    const names = registry.listAgents().map((agent) => agent.name);
    expect(names).toEqual(['triage', 'rca', 'compliance', 'meeting_context', 'intent', 'learning', 'echo', 'file_ticket', 'close_ticket', 'word_count']);

    const echo = registry.getAgent('echo');
    expect(await echo?.run(agentContext(), { text: 'hi' })).toEqual({ echoed: 'hi', at: '2025-11-26T10:30:15.000Z' });
    const wordCount = registry.getAgent('word_count');
    const output = await wordCount?.run(agentContext(), { text: 'three little words' });
    expect(output).toEqual({ words: 3 });
    expect(Value.Check(wordCount?.outputSchema ?? {}, output)).toBe(true);
    // GET /agents/list shows them like the built-ins, schemas as plain JSON.
    expect(registry.listAgents().find((agent) => agent.name === 'file_ticket')).toMatchObject({
      description: 'Turns a title into a ticket, high priority when urgent.',
      input_schema: { type: 'object', required: ['title'] },
      output_schema: { type: 'object', required: ['title', 'priority'] },
    });
  });

  it('resolves relative paths against the working directory without a config directory', async () => {
    const relative = join(resolve(fixturesDir).slice(process.cwd().length + 1), 'echo-agent.ts');
    const { registry } = await servicesFor([relative], {});
    expect(registry.getAgent('echo')?.name).toBe('echo');
  });

  it.each([
    ['a missing file', 'nope.ts', /agents\.modules\[0\] "nope\.ts" \(.*nope\.ts\): no such file/],
    ['a module that throws on import', 'throws-on-import.ts', /agents\.modules\[0\] "throws-on-import\.ts" .*cannot be imported: cannot reach the ticket system at import time/],
    ['a module without agents', 'no-agents.ts', /"no-agents\.ts" .*exports no agent \(expected a default export or an `agents` export/],
    ['an agent without run', 'missing-run.ts', /"missing-run\.ts" .*export "default" is not an agent: agent "lazy": "run" must be a function/],
    ['an agent name a step cannot use', 'bad-name.ts', /"bad-name\.ts" .*export "agents"\[0\] is not an agent: "name" must be a string of letters.*\(got "my agent"\)/],
    ['a built-in name', 'shadows-triage.ts', /agent "triage" from "shadows-triage\.ts" reuses the name of the built-in agent/],
  ])('stops start-up on %s, naming the module and the problem', async (_label, module, message) => {
    expect(await startUpError([module])).toMatch(message);
  });

  it('stops start-up when two modules export the same agent name', async () => {
    expect(await startUpError(['echo-agent.ts', 'echo-again.ts'])).toMatch(/agent "echo" from "echo-again\.ts" reuses the name of the agent from "echo-agent\.ts"/);
  });

  it('names the second module of the list in its error', async () => {
    expect(await startUpError(['echo-agent.ts', 'missing-run.ts'])).toMatch(/agents\.modules\[1\] "missing-run\.ts"/);
  });
});
