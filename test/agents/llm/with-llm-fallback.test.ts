import { describe, expect, it } from 'vitest';
import { Value } from 'typebox/value';
import type { LlmClient } from '../../../src/agents/agent.js';
import { classifyIntent, intentAgent, IntentOutputSchema } from '../../../src/agents/builtin/intent.js';
import { intentLlmStrategy, runIntentWithLlm } from '../../../src/agents/llm/intent-llm.js';
import { withLlmFallback } from '../../../src/agents/llm/with-llm-fallback.js';
import { clientFor, jsonReply, llmContext, useChatCompletionsServers } from './llm-test-kit.js';

// The keywords say lead_inquiry ("pricing"); a model reading the whole message may say meeting_request.
const text = 'Before we talk pricing, could you walk my team through the product on Thursday?';
const deterministic = classifyIntent(text);

describe('withLlmFallback (intent)', () => {
  const serve = useChatCompletionsServers();

  it('uses the LLM answer when it fits, marked fallback: false', async () => {
    const server = await serve(() => jsonReply({ intent: 'meeting_request', confidence: 0.874 }));
    const outcome = await runIntentWithLlm(llmContext(clientFor(server)), { text });

    expect(deterministic.intent).toBe('lead_inquiry');
    expect(outcome).toEqual({ output: { intent: 'meeting_request', confidence: 0.87, matched: [], scores: deterministic.scores }, fallback: false });
    expect(Value.Check(IntentOutputSchema, outcome.output)).toBe(true);
    expect(server.requests[0]?.body.messages).toEqual([
      { role: 'system', content: intentLlmStrategy.system },
      { role: 'user', content: text },
    ]);
  });

  it('falls back to the keyword classifier when no LLM is configured', async () => {
    expect(await runIntentWithLlm(llmContext(), { text })).toEqual({ output: deterministic, fallback: true, reason: 'not_configured' });
  });

  it.each([
    ['malformed JSON', { kind: 'content', content: '{"intent": "meeting_req' }],
    ['an intent outside the schema', jsonReply({ intent: 'spam', confidence: 0.9 })],
    ['a confidence above 1', jsonReply({ intent: 'follow_up', confidence: 7 })],
  ] as const)('falls back on %s with reason invalid_output', async (_label, reply) => {
    const server = await serve(() => reply);
    const outcome = await runIntentWithLlm(llmContext(clientFor(server)), { text });
    expect(outcome).toMatchObject({ output: deterministic, fallback: true, reason: 'invalid_output' });
  });

  it('falls back on a timeout', async () => {
    const server = await serve(() => ({ kind: 'hang' }));
    const outcome = await runIntentWithLlm(llmContext(clientFor(server, { timeoutMs: 100 })), { text });
    expect(outcome).toMatchObject({ output: deterministic, fallback: true, reason: 'timeout' });
  });

  it('falls back on an HTTP error, then fails fast once the breaker is open', async () => {
    const server = await serve(() => ({ kind: 'status', status: 502, body: 'bad gateway' }));
    const ctx = llmContext(clientFor(server, { breaker: { failureThreshold: 2, halfOpenAfterMs: 30_000 } }));
    const reasons = [];
    for (let call = 0; call < 4; call += 1) {
      const outcome = await runIntentWithLlm(ctx, { text });
      expect(outcome.output).toEqual(deterministic);
      reasons.push(outcome.fallback ? outcome.reason : 'llm');
    }
    expect(reasons).toEqual(['http_error', 'http_error', 'breaker_open', 'breaker_open']);
    expect(server.requests).toHaveLength(2);
  });

  it('falls back when the mapped output does not fit the agent output schema', async () => {
    const server = await serve(() => jsonReply({ intent: 'follow_up', confidence: 0.9 }));
    const broken = withLlmFallback(intentAgent, { ...intentLlmStrategy, toOutput: () => ({ ...deterministic, confidence: 1.5 }) });
    expect(await broken(llmContext(clientFor(server)), { text })).toMatchObject({ output: deterministic, fallback: true, reason: 'invalid_output' });
  });

  it('lets errors that are not LlmUnavailableError (bugs) propagate', async () => {
    const buggy: LlmClient = { completeJson: async () => Promise.reject(new TypeError('bug in a client')) };
    await expect(runIntentWithLlm(llmContext(buggy), { text })).rejects.toThrow('bug in a client');
  });
});
