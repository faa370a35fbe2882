/** An answer from Switchboard: the status, the body parsed as JSON when it is JSON (else the text), and the text. */
export interface HttpAnswer {
  readonly status: number;
  readonly body: unknown;
  readonly text: string;
}

export interface SendOptions {
  readonly headers?: Readonly<Record<string, string>>;
  /** The exact bytes to send (what was signed). */
  readonly body?: string;
  /** Whether to print the request and the answer (default true); polls print only their last answer with `show`. */
  readonly print?: boolean;
}

/** Sends requests to one Switchboard and prints a short transcript: numbered steps, each request, each answer. */
export interface HttpTranscript {
  readonly baseUrl: string;
  step(title: string): void;
  send(method: string, path: string, options?: SendOptions): Promise<HttpAnswer>;
  /** Prints an answer got with `print: false` (the last one of a poll). */
  show(method: string, path: string, answer: HttpAnswer, note?: string): void;
  /** Prints a line about something outside Switchboard (what a stand-in received). */
  note(text: string): void;
}

/** Headers not worth a line in the transcript. */
const unprinted = new Set(['content-type', 'user-agent']);

export function createHttpTranscript(baseUrl: string, print: (line: string) => void = console.log): HttpTranscript {
  let steps = 0;
  const show = (method: string, path: string, answer: HttpAnswer, note?: string) => {
    print(`← ${answer.status} ${method} ${path}${note === undefined ? '' : `  (${note})`}`);
    if (answer.text !== '') print(typeof answer.body === 'string' ? `    ${answer.body}` : formatJson(abridge(answer.body), '    '));
  };
  return {
    baseUrl,
    step(title) {
      steps += 1;
      print(`\n── ${steps}. ${title}`);
    },
    async send(method, path, options = {}) {
      if (options.print !== false) {
        print(`→ ${method} ${baseUrl}${path}`);
        for (const [name, value] of Object.entries(options.headers ?? {})) if (!unprinted.has(name.toLowerCase())) print(`    ${name}: ${value}`);
        if (options.body !== undefined) print(`    ${cut(options.body, 160)}`);
      }
      const response = await fetch(`${baseUrl}${path}`, { method, headers: options.headers ?? {}, ...(options.body === undefined ? {} : { body: options.body }) });
      const text = await response.text();
      const answer: HttpAnswer = { status: response.status, body: parseJson(text, response.headers.get('content-type')), text };
      if (options.print !== false) show(method, path, answer);
      return answer;
    },
    show,
    note: (text) => print(`   ${text}`),
  };
}

function parseJson(text: string, contentType: string | null): unknown {
  if (contentType === null || !contentType.includes('json') || text === '') return text;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** Long strings cut and long arrays shortened, so an answer stays a screenful. */
function abridge(value: unknown): unknown {
  if (typeof value === 'string') return cut(value, 100);
  if (Array.isArray(value)) return value.length > 4 ? [...value.slice(0, 4).map(abridge), `… ${value.length - 4} more`] : value.map(abridge);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, abridge(item)]));
  return value;
}

function cut(text: string, length: number): string {
  return text.length > length ? `${text.slice(0, length - 1)}…` : text;
}

/** Pretty JSON that keeps an object or array on one line when it fits in 100 columns. */
function formatJson(value: unknown, indent: string): string {
  return indent + formatValue(value, indent, indent.length);
}

/** `value` starting at column `column`, its lines after the first indented by `indent`. */
function formatValue(value: unknown, indent: string, column: number): string {
  const compact = JSON.stringify(value) ?? 'null';
  if (value === null || typeof value !== 'object' || column + compact.length <= 100) return compact;
  const inner = `${indent}  `;
  const [open, close] = Array.isArray(value) ? ['[', ']'] : ['{', '}'];
  const lines = Array.isArray(value)
    ? value.map((item) => `${inner}${formatValue(item, inner, inner.length)}`)
    : Object.entries(value).map(([key, item]) => `${inner}${JSON.stringify(key)}: ${formatValue(item, inner, inner.length + key.length + 4)}`);
  return `${open}\n${lines.join(',\n')}\n${indent}${close}`;
}
