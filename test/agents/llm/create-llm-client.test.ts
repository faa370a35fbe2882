import { describe, expect, it, vi } from 'vitest';
import { Type } from 'typebox';
import { LlmUnavailableError, type LlmUnavailableReason } from '../../../src/agents/llm/llm-unavailable-error.js';
import { clientFor, jsonReply, useChatCompletionsServers } from './llm-test-kit.js';

const TicketSchema = Type.Object({
  priority: Type.Union([Type.Literal('high'), Type.Literal('low')]),
  summary: Type.String(),
  owner: Type.Optional(Type.String()),
});

const request = { system: 'You file tickets.', user: 'The checkout page is down.', schema: TicketSchema };

/** The reason a call rejected with, failing the test if it resolved or threw something else. */
async function rejectionReason(call: Promise<unknown>): Promise<LlmUnavailableReason> {
  const error: unknown = await call.then(
    () => expect.unreachable('the call resolved'),
    (rejected: unknown) => rejected,
  );
  expect(error).toBeInstanceOf(LlmUnavailableError);
  return (error as LlmUnavailableError).reason;
}

describe('createLlmClient', () => {
  const serve = useChatCompletionsServers();

  it('asks for JSON-schema output and returns the parsed answer', async () => {
    const server = await serve(() => jsonReply({ priority: 'high', summary: 'Checkout down' }));
    const answer = await clientFor(server).completeJson(request);

    expect(answer).toEqual({ priority: 'high', summary: 'Checkout down' });
    expect(server.requests).toHaveLength(1);
    const [received] = server.requests;
    expect(received?.authorization).toBe('Bearer sk-test');
    expect(received?.body).toMatchObject({
      model: 'test-model',
      messages: [
        { role: 'system', content: 'You file tickets.' },
        { role: 'user', content: 'The checkout page is down.' },
      ],
      response_format: { type: 'json_schema', json_schema: { name: 'response', strict: false, schema: { type: 'object', required: ['priority', 'summary'] } } },
    });
    expect(received?.body.tools).toBeUndefined();
  });

  it('runs a tool the model calls and sends its result back before the final answer', async () => {
    const server = await serve((_body, index) =>
      index === 0 ? { kind: 'tool_calls', calls: [{ id: 'call_1', name: 'find_owner', arguments: { system: 'checkout' } }] } : jsonReply({ priority: 'high', summary: 'Checkout down', owner: 'payments-team' }),
    );
    const execute = vi.fn(async (args: unknown) => ({ team: `owners of ${(args as { system: string }).system}: payments-team` }));
    const answer = await clientFor(server).completeJson({
      ...request,
      tools: [{ name: 'find_owner', description: 'The team that owns a system', parameters: Type.Object({ system: Type.String() }), execute }],
    });

    expect(answer).toEqual({ priority: 'high', summary: 'Checkout down', owner: 'payments-team' });
    expect(execute).toHaveBeenCalledTimes(1);
    expect(execute).toHaveBeenCalledWith({ system: 'checkout' });
    expect(server.requests).toHaveLength(2);
    expect(server.requests[0]?.body.tools).toEqual([
      { type: 'function', function: { name: 'find_owner', description: 'The team that owns a system', parameters: { type: 'object', required: ['system'], properties: { system: { type: 'string' } } } } },
    ]);
    expect(server.requests[1]?.body.messages.slice(2)).toEqual([
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'find_owner', arguments: '{"system":"checkout"}' } }] },
      { role: 'tool', tool_call_id: 'call_1', content: JSON.stringify({ team: 'owners of checkout: payments-team' }) },
    ]);
  });

  it('gives up with invalid_output when the model keeps calling tools past maxSteps', async () => {
    const server = await serve(() => ({ kind: 'tool_calls', calls: [{ id: 'call_x', name: 'find_owner', arguments: { system: 'checkout' } }] }));
    const tools = [{ name: 'find_owner', description: 'owner', parameters: Type.Object({ system: Type.String() }), execute: async () => 'nobody' }];
    expect(await rejectionReason(clientFor(server, { maxSteps: 2 }).completeJson({ ...request, tools }))).toBe('invalid_output');
    expect(server.requests).toHaveLength(2);
  });

  it.each([
    ['malformed JSON', { kind: 'content', content: '{"priority": "high", "summary": ' }],
    ['prose instead of JSON', { kind: 'content', content: 'Sure! The priority is high.' }],
    ['a value outside the schema', jsonReply({ priority: 'urgent', summary: 'Checkout down' })],
    ['a missing required property', jsonReply({ priority: 'low' })],
  ] as const)('rejects %s as invalid_output', async (_label, reply) => {
    const server = await serve(() => reply);
    expect(await rejectionReason(clientFor(server).completeJson(request))).toBe('invalid_output');
  });

  it('rejects an error status as http_error, keeping the response in the cause', async () => {
    const server = await serve(() => ({ kind: 'status', status: 500, body: '{"error":{"message":"model overloaded"}}' }));
    const error = await clientFor(server).completeJson(request).catch((rejected: unknown) => rejected);
    expect(error).toBeInstanceOf(LlmUnavailableError);
    expect(error).toMatchObject({ reason: 'http_error', cause: { statusCode: 500 } });
    expect((error as Error).message).toContain('HTTP 500');
  });

  it('rejects an unreachable endpoint as http_error', async () => {
    const server = await serve(() => jsonReply({}));
    const client = clientFor(server);
    await server.close();
    expect(await rejectionReason(client.completeJson(request))).toBe('http_error');
  });

  it('times out a server that never answers', async () => {
    const server = await serve(() => ({ kind: 'hang' }));
    const started = performance.now();
    expect(await rejectionReason(clientFor(server, { timeoutMs: 100 }).completeJson(request))).toBe('timeout');
    expect(performance.now() - started).toBeLessThan(1_000);
    // A request's own timeoutMs overrides the configured one.
    expect(await rejectionReason(clientFor(server, { timeoutMs: 60_000 }).completeJson({ ...request, timeoutMs: 50 }))).toBe('timeout');
  });

  it('opens the breaker after consecutive failures, fails fast, then lets a trial call through after the delay', async () => {
    vi.useFakeTimers({ toFake: ['Date'] }); // cockatiel measures the half-open delay with Date.now()
    let healthy = false;
    const server = await serve(() => (healthy ? jsonReply({ priority: 'low', summary: 'ok' }) : { kind: 'status', status: 503, body: 'unavailable' }));
    const client = clientFor(server, { breaker: { failureThreshold: 2, halfOpenAfterMs: 5_000 } });

    expect(await rejectionReason(client.completeJson(request))).toBe('http_error');
    expect(await rejectionReason(client.completeJson(request))).toBe('http_error');
    expect(await rejectionReason(client.completeJson(request))).toBe('breaker_open');
    expect(await rejectionReason(client.completeJson(request))).toBe('breaker_open');
    expect(server.requests).toHaveLength(2);

    healthy = true;
    vi.setSystemTime(Date.now() + 4_999);
    expect(await rejectionReason(client.completeJson(request))).toBe('breaker_open');
    vi.setSystemTime(Date.now() + 2);
    await expect(client.completeJson(request)).resolves.toEqual({ priority: 'low', summary: 'ok' });
    await expect(client.completeJson(request)).resolves.toEqual({ priority: 'low', summary: 'ok' });
    expect(server.requests).toHaveLength(4);
  });

  it('counts timeouts towards the breaker', async () => {
    const server = await serve(() => ({ kind: 'hang' }));
    const client = clientFor(server, { timeoutMs: 50, breaker: { failureThreshold: 2, halfOpenAfterMs: 30_000 } });
    expect(await rejectionReason(client.completeJson(request))).toBe('timeout');
    expect(await rejectionReason(client.completeJson(request))).toBe('timeout');
    expect(await rejectionReason(client.completeJson(request))).toBe('breaker_open');
    expect(server.requests).toHaveLength(2);
  });

  it('does not open the breaker for answers that do not fit (the endpoint is up)', async () => {
    const server = await serve(() => ({ kind: 'content', content: 'not json' }));
    const client = clientFor(server, { breaker: { failureThreshold: 1, halfOpenAfterMs: 30_000 } });
    for (let call = 0; call < 3; call += 1) expect(await rejectionReason(client.completeJson(request))).toBe('invalid_output');
    expect(server.requests).toHaveLength(3);
  });
});
