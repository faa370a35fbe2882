import { pino } from 'pino';
import { Value } from 'typebox/value';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentContext, AnyAgent } from '../../../src/agents/agent.js';
import { createAgentServices, type AgentServices } from '../../../src/agents/agent-services.js';
import { classifyIntent } from '../../../src/agents/builtin/intent.js';
import { analyseRootCause } from '../../../src/agents/builtin/rca.js';
import { loadConfig } from '../../../src/config/load-config.js';
import type { Store } from '../../../src/store/store.js';
import { openTestStore } from '../../support/test-database.js';
import { seedAlert } from '../agent-fixtures.js';
import type { ChatCompletionsServer } from './chat-completions-server.js';
import { jsonReply, useChatCompletionsServers } from './llm-test-kit.js';

const text = 'Before we talk pricing, could you walk my team through the product on Thursday?';
const pastAlert = { alert_id: 'chainsync-alert-11870', alert_type: 'system_failure', root_cause: 'Connection pool exhaustion' };

describe('registered agents with an LLM path (rca, intent)', () => {
  const serve = useChatCompletionsServers();
  let store: Store;
  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ store, close } = await openTestStore('sqlite'));
    // One processed alert in learning_data, as a learning step leaves it.
    const services = await servicesFor();
    await services.learning.record({ idempotencyKey: 'old-run:learn', agentName: 'learning', interactionType: 'alert_processed', alert: pastAlert, context: {}, patterns: [], recordedAtMs: Date.parse('2025-11-25T09:00:00Z') });
  });
  afterAll(async () => {
    await close();
  });

  /** Services from a config, with the LLM section pointing at `server` when there is one. */
  async function servicesFor(server?: ChatCompletionsServer, llm: Record<string, unknown> = {}): Promise<AgentServices> {
    const env = server === undefined ? {} : { LLM_BASE_URL: server.baseUrl, LLM_MODEL: 'test-model', LLM_API_KEY: 'sk-config' };
    const config = loadConfig({ env, overrides: Object.fromEntries(Object.entries(llm).map(([key, value]) => [`llm.${key}`, value])) });
    return createAgentServices({ config, db: store.db, logger: pino({ level: 'silent' }) });
  }

  /** What the run engine builds for a step from the services. */
  function ctxOf(services: AgentServices): AgentContext {
    const base = { clock: { nowMs: () => Date.parse('2025-11-26T10:30:15Z') }, logger: pino({ level: 'silent' }), idempotencyKey: 'run-1:step', store: services.store, learning: services.learning };
    return services.llm === undefined ? base : { ...base, llm: services.llm };
  }

  async function run(services: AgentServices, name: string, input: unknown): Promise<Record<string, unknown>> {
    const agent = services.registry.getAgent(name) as AnyAgent;
    const output = await agent.run(ctxOf(services), input);
    expect([...Value.Errors(agent.outputSchema, output)], `output fits ${name}.outputSchema`).toEqual([]);
    return output as Record<string, unknown>;
  }

  it('uses the configured endpoint for intent and marks the answer fallback: false', async () => {
    const server = await serve(() => jsonReply({ intent: 'meeting_request', confidence: 0.874 }));
    const output = await run(await servicesFor(server), 'intent', { text });
    expect(output).toEqual({ intent: 'meeting_request', confidence: 0.87, matched: [], scores: classifyIntent(text).scores, fallback: false });
    expect(server.requests[0]).toMatchObject({ authorization: 'Bearer sk-config', body: { model: 'test-model' } });
  });

  it('marks deterministic output fallback: true with the reason, with no LLM and with a failing one', async () => {
    expect(await run(await servicesFor(), 'intent', { text })).toEqual({ ...classifyIntent(text), fallback: true, fallback_reason: 'not_configured' });

    const server = await serve(() => ({ kind: 'status', status: 503, body: 'overloaded' }));
    const services = await servicesFor(server, { breaker: { failure_threshold: 1, half_open_after_ms: 60_000 } });
    expect(await run(services, 'intent', { text })).toMatchObject({ intent: 'lead_inquiry', fallback: true, fallback_reason: 'http_error' });
    expect(await run(services, 'intent', { text })).toMatchObject({ intent: 'lead_inquiry', fallback: true, fallback_reason: 'breaker_open' });
    expect(server.requests).toHaveLength(1);
  });

  it('times out per llm.timeout_ms and falls back', async () => {
    const server = await serve(() => ({ kind: 'hang' }));
    expect(await run(await servicesFor(server, { timeout_ms: 100 }), 'intent', { text })).toMatchObject({ fallback: true, fallback_reason: 'timeout' });
  });

  it('rca gives the model the alert, similar alerts from the store and the rule findings, runs its recent_alerts tool, and keeps its answer', async () => {
    const server = await serve((_body, index) =>
      index === 0
        ? { kind: 'tool_calls', calls: [{ id: 'call_1', name: 'recent_alerts', arguments: { alert_type: 'system_failure', limit: 5 } }] }
        : jsonReply({
            hypotheses: [
              { cause: 'Slow queries holding connections', confidence: 0.6, evidence: ['pool at 100%'], recommended_actions: ['Find slow queries'] },
              { cause: 'Connection leak after the 11870 fix', family: 'connection_pool_exhaustion', confidence: 0.914, evidence: ['same cause in chainsync-alert-11870'], recommended_actions: ['Audit connection release paths'] },
            ],
          }),
    );
    const output = await run(await servicesFor(server), 'rca', { alert: seedAlert });
    expect(output).toEqual({
      root_cause: 'Connection leak after the 11870 fix',
      confidence: 0.91,
      hypotheses: [
        { cause: 'Connection leak after the 11870 fix', family: 'connection_pool_exhaustion', confidence: 0.91, evidence: ['same cause in chainsync-alert-11870'], recommended_actions: ['Audit connection release paths'] },
        { cause: 'Slow queries holding connections', family: 'llm', confidence: 0.6, evidence: ['pool at 100%'], recommended_actions: ['Find slow queries'] },
      ],
      fallback: false,
    });

    const [first, second] = server.requests;
    const prompt = JSON.parse(String(first?.body.messages[1]?.content)) as Record<string, unknown>;
    expect(prompt).toEqual({ alert: seedAlert, similar_alerts: [pastAlert], rule_based_hypotheses: analyseRootCause(seedAlert, [pastAlert]).hypotheses });
    expect(first?.body.tools?.map((tool) => tool.function.name)).toEqual(['recent_alerts']);
    const toolMessage = second?.body.messages.find((message) => message.role === 'tool');
    expect(JSON.parse(String(toolMessage?.content))).toEqual({ alerts: [pastAlert] });
  });

  it('rca falls back to the rules, with the store history, when the answer does not fit', async () => {
    const server = await serve(() => jsonReply({ hypotheses: [{ cause: 'Gremlins', confidence: 3, evidence: [], recommended_actions: [] }] }));
    const output = await run(await servicesFor(server), 'rca', { alert: seedAlert });
    expect(output).toEqual({ ...analyseRootCause(seedAlert, [pastAlert]), fallback: true, fallback_reason: 'invalid_output' });
    expect(output['confidence']).toBe(1);
  });

  it('lists the marker in the output schemas of the LLM-backed agents only', async () => {
    const listing = (await servicesFor()).registry.listAgents();
    const withMarker = listing.filter((agent) => 'fallback' in ((agent.output_schema as { properties?: object }).properties ?? {})).map((agent) => agent.name);
    expect(withMarker).toEqual(['rca', 'intent']);
  });
});
