import { afterEach, beforeEach, expect, vi } from 'vitest';
import { pino } from 'pino';
import type { AgentContext, LlmClient } from '../../../src/agents/agent.js';
import { createLlmClient, type LlmClientConfig } from '../../../src/agents/llm/create-llm-client.js';
import { startChatCompletionsServer, type ChatCompletionsServer, type ChatRequestBody, type Reply } from './chat-completions-server.js';

/**
 * Registers hooks that close every server a test started and fail the test when it left a timer or
 * socket behind. Returns `serve`, which starts a chat-completions server for the current test.
 */
export function useChatCompletionsServers(): (reply: (body: ChatRequestBody, index: number) => Reply) => Promise<ChatCompletionsServer> {
  let servers: ChatCompletionsServer[] = [];
  let resourcesBefore: string[] = [];
  beforeEach(() => {
    resourcesBefore = process.getActiveResourcesInfo();
  });
  afterEach(async () => {
    vi.useRealTimers();
    await Promise.all(servers.map((server) => server.close()));
    servers = [];
    // The client's side of a closed connection goes away a few event-loop turns after the server's.
    let remaining = leftovers(resourcesBefore, process.getActiveResourcesInfo());
    for (let turn = 0; turn < 50 && remaining.length > 0; turn += 1) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      remaining = leftovers(resourcesBefore, process.getActiveResourcesInfo());
    }
    expect(remaining, 'timers, sockets or servers left running').toEqual([]);
  });
  return async (reply) => {
    const server = await startChatCompletionsServer(reply);
    servers.push(server);
    return server;
  };
}

function leftovers(before: readonly string[], after: readonly string[]): string[] {
  const remaining = [...before];
  return after.filter((resource) => {
    const index = remaining.indexOf(resource);
    if (index === -1) return resource !== 'TTYWrap';
    remaining.splice(index, 1);
    return false;
  });
}

/** A client for `server` with a short timeout and a breaker that opens after `failureThreshold` failures. */
export function clientFor(server: ChatCompletionsServer, overrides: Partial<LlmClientConfig> = {}): LlmClient {
  return createLlmClient({ baseUrl: server.baseUrl, model: 'test-model', apiKey: 'sk-test', timeoutMs: 1_000, breaker: { failureThreshold: 3, halfOpenAfterMs: 30_000 }, ...overrides });
}

/** An agent context with a silent logger and the given LLM client (none when undefined). */
export function llmContext(llm?: LlmClient): AgentContext {
  const base = { clock: { nowMs: () => Date.parse('2025-11-26T10:30:15Z') }, logger: pino({ level: 'silent' }), idempotencyKey: 'run-1:intent' };
  return llm === undefined ? base : { ...base, llm };
}

/** A `content` reply holding `value` as JSON. */
export function jsonReply(value: unknown): Reply {
  return { kind: 'content', content: JSON.stringify(value) };
}
