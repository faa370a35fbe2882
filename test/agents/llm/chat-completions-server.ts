import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the fake endpoint received: its path and parsed JSON body. */
export interface ReceivedRequest {
  readonly path: string;
  readonly authorization: string | undefined;
  readonly body: ChatRequestBody;
}

/** The parts of a chat-completions request the tests look at. */
export interface ChatRequestBody {
  model: string;
  messages: { role: string; content?: unknown; tool_calls?: { id: string; function: { name: string; arguments: string } }[]; tool_call_id?: string }[];
  response_format?: { type: string; json_schema?: { name: string; schema: unknown; strict?: boolean } };
  tools?: { type: 'function'; function: { name: string; description?: string; parameters: unknown } }[];
}

/** What the endpoint does with a request: answer with text, answer with tool calls, fail, or never answer. */
export type Reply =
  | { kind: 'content'; content: string }
  | { kind: 'tool_calls'; calls: { id: string; name: string; arguments: unknown }[] }
  | { kind: 'status'; status: number; body: string }
  | { kind: 'hang' };

export interface ChatCompletionsServer {
  /** `http://127.0.0.1:<port>/v1`, the client's `baseUrl`. */
  readonly baseUrl: string;
  readonly requests: ReceivedRequest[];
  close(): Promise<void>;
}

/** A real HTTP server on 127.0.0.1 speaking OpenAI's `POST /v1/chat/completions`; `reply` decides each answer. */
export async function startChatCompletionsServer(reply: (body: ChatRequestBody, index: number) => Reply): Promise<ChatCompletionsServer> {
  const requests: ReceivedRequest[] = [];
  const server = createServer((req, res) => {
    void receive(req).then((text) => {
      if (req.method !== 'POST' || req.url !== '/v1/chat/completions') return send(res, 404, { error: { message: `no route ${req.method} ${req.url}` } });
      const body = JSON.parse(text) as ChatRequestBody;
      requests.push({ path: req.url, authorization: req.headers.authorization, body });
      const answer = reply(body, requests.length - 1);
      switch (answer.kind) {
        case 'hang':
          return; // the socket stays open until the client aborts or close() destroys it
        case 'status':
          res.writeHead(answer.status, { 'content-type': 'application/json' }).end(answer.body);
          return;
        case 'content':
          return send(res, 200, completion(body.model, { role: 'assistant', content: answer.content }, 'stop'));
        case 'tool_calls':
          return send(
            res,
            200,
            completion(
              body.model,
              {
                role: 'assistant',
                content: null,
                tool_calls: answer.calls.map((call) => ({ id: call.id, type: 'function', function: { name: call.name, arguments: JSON.stringify(call.arguments) } })),
              },
              'tool_calls',
            ),
          );
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    // Idempotent, so a test may close the server itself (to make it unreachable) before the hooks do.
    close: () =>
      new Promise<void>((resolve, reject) => {
        if (!server.listening) return resolve();
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

function completion(model: string, message: object, finishReason: string): object {
  return {
    id: 'chatcmpl-test',
    object: 'chat.completion',
    created: 1764153015,
    model,
    choices: [{ index: 0, message, finish_reason: finishReason }],
    usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
  };
}

function send(res: ServerResponse, status: number, body: object): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

async function receive(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
