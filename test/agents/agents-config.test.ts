import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/config-error.js';
import { loadConfig } from '../../src/config/load-config.js';

describe('configuration: llm and agents', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'switchboard-agents-config-'));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  const file = (name: string, text: string): string => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  const configErrorMessage = (load: () => unknown): string => {
    try {
      load();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      return (error as Error).message;
    }
    throw new Error('expected a ConfigError');
  };

  it('has no LLM and no custom agents by default', () => {
    const config = loadConfig({ env: {} });
    expect(config.llm).toBeUndefined();
    expect(config.agents).toEqual({ modules: [] });
  });

  it('reads both sections from a file, with the LLM defaults filled in', () => {
    const path = file(
      'agents.yaml',
      [
        'llm:',
        '  base_url: http://localhost:11434/v1',
        '  model: llama3.1',
        'agents:',
        '  modules: [./agents/tickets.js]',
        '  critical_systems: [Payments, Ledger]',
        '  team_mapping:',
        '    by_system: { Payments: [payments-oncall@example.com] }',
        '    default: [sre@example.com]',
        '  policies:',
        '    - id: PAY-001',
        '      description: Payment outages need an incident',
        '      severity: critical',
        '      reference: internal',
        "      condition: \"'Payments' in alert.affected_systems\"",
        '',
      ].join('\n'),
    );
    const config = loadConfig({ file: path, env: {} });
    expect(config.llm).toEqual({ base_url: 'http://localhost:11434/v1', model: 'llama3.1', timeout_ms: 15_000, max_steps: 5, breaker: { failure_threshold: 5, half_open_after_ms: 30_000 } });
    expect(config.agents).toEqual({
      modules: ['./agents/tickets.js'],
      critical_systems: ['Payments', 'Ledger'],
      team_mapping: { by_system: { Payments: ['payments-oncall@example.com'] }, default: ['sre@example.com'] },
      policies: [{ id: 'PAY-001', description: 'Payment outages need an incident', severity: 'critical', reference: 'internal', condition: "'Payments' in alert.affected_systems" }],
    });
    expect(Object.isFrozen(config.agents.policies?.[0])).toBe(true);
  });

  it('takes LLM_BASE_URL, LLM_MODEL and LLM_API_KEY from the environment, over the file', () => {
    const path = file('llm.json', JSON.stringify({ llm: { base_url: 'http://file.example/v1', model: 'file-model', timeout_ms: 2000, breaker: { failure_threshold: 2 } } }));
    const config = loadConfig({ file: path, env: { LLM_BASE_URL: 'https://llm.example/v1', LLM_MODEL: 'gpt-4o-mini', LLM_API_KEY: 'sk-env' } });
    expect(config.llm).toEqual({ base_url: 'https://llm.example/v1', model: 'gpt-4o-mini', api_key: 'sk-env', timeout_ms: 2000, max_steps: 5, breaker: { failure_threshold: 2, half_open_after_ms: 30_000 } });
    expect(loadConfig({ env: { LLM_BASE_URL: 'http://127.0.0.1:8000/v1', LLM_MODEL: 'm' } }).llm).toMatchObject({ base_url: 'http://127.0.0.1:8000/v1', model: 'm' });
  });

  it('stops start-up on an incomplete or invalid llm section, naming the key and never the API key', () => {
    const missing = configErrorMessage(() => loadConfig({ env: { LLM_API_KEY: 'sk-secret-value' } }));
    expect(missing).toContain('llm: must have required properties base_url, model');
    expect(missing).not.toContain('sk-secret-value');
    expect(configErrorMessage(() => loadConfig({ env: { LLM_BASE_URL: 'ftp://llm.example', LLM_MODEL: 'm' } }))).toMatch(/llm\.base_url \(LLM_BASE_URL\): must match pattern/);
    expect(configErrorMessage(() => loadConfig({ env: {}, overrides: { llm: { base_url: 'http://x/v1', model: 'm', timeout_ms: 0 } } }))).toMatch(/llm\.timeout_ms: must be >= 1/);
    expect(configErrorMessage(() => loadConfig({ env: {}, overrides: { llm: { base_url: 'http://x/v1', model: 'm', breaker: { threshold: 3 } } } }))).toMatch(/llm\.breaker\.threshold: unknown key/);
  });

  it('stops start-up on a malformed agents section, naming the key', () => {
    expect(configErrorMessage(() => loadConfig({ env: {}, overrides: { 'agents.team_mapping': { by_systems: {} } } }))).toMatch(/agents\.team_mapping\.by_systems: unknown key/);
    expect(configErrorMessage(() => loadConfig({ env: {}, overrides: { 'agents.modules': [''] } }))).toMatch(/agents\.modules\.0: must not have fewer than 1 characters/);
    const policy = { id: 'P', description: 'd', severity: 'urgent', reference: 'r', condition: 'true' };
    expect(configErrorMessage(() => loadConfig({ env: {}, overrides: { 'agents.policies': [policy] } }))).toMatch(/agents\.policies\.0\.severity: must be one of "critical", "high", "medium", "low"/);
    expect(configErrorMessage(() => loadConfig({ env: {}, overrides: { 'agents.policies': [{ ...policy, severity: 'low', conditon: 'true' }] } }))).toMatch(/agents\.policies\.0\.conditon: unknown key/);
  });
});
