import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The repository root, where `src/cli/main.ts` lives. */
export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

/** A `switchboard` command running as a child process (through tsx), with its output collected. */
export interface CliProcess {
  readonly child: ChildProcess;
  /** Everything written to stdout / stderr so far. */
  stdout(): string;
  stderr(): string;
  /** Resolves with the first stdout line (a JSON log line or plain text) matching `pattern`. */
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** Resolves with the exit code (or the signal name) once the process has exited. */
  readonly exited: Promise<number | NodeJS.Signals>;
}

const running = new Set<ChildProcess>();

/** The environment a child gets: nothing from this process except PATH and HOME, plus `env`. */
function childEnv(env: Readonly<Record<string, string>>): Record<string, string> {
  return { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: process.env['HOME'] ?? '/tmp', ...env };
}

/** Starts `switchboard <args>`; call `killCliProcesses()` in afterEach so none outlives its test. */
export function startCli(args: readonly string[], env: Readonly<Record<string, string>> = {}): CliProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { cwd: repoRoot, env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  let out = '';
  let err = '';
  const lineWaiters: Array<{ pattern: RegExp; resolve: (line: string) => void }> = [];
  const checkWaiters = () => {
    const lines = out.split('\n');
    for (const waiter of [...lineWaiters]) {
      const line = lines.find((l) => waiter.pattern.test(l));
      if (line !== undefined) {
        lineWaiters.splice(lineWaiters.indexOf(waiter), 1);
        waiter.resolve(line);
      }
    }
  };
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
    checkWaiters();
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    err += chunk;
  });
  const exited = new Promise<number | NodeJS.Signals>((resolve) => {
    child.once('exit', (code, signal) => {
      running.delete(child);
      resolve(code ?? (signal as NodeJS.Signals));
    });
  });
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    waitForLine(pattern, timeoutMs = 15_000) {
      return new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no line matching ${pattern} within ${timeoutMs} ms\nstdout:\n${out}\nstderr:\n${err}`)), timeoutMs);
        const settle = (line: string) => {
          clearTimeout(timer);
          resolve(line);
        };
        lineWaiters.push({ pattern, resolve: settle });
        checkWaiters();
        void exited.then((code) => {
          clearTimeout(timer);
          reject(new Error(`exited (${code}) before a line matching ${pattern}\nstdout:\n${out}\nstderr:\n${err}`));
        });
      });
    },
  };
}

/** Runs `switchboard <args>` to completion. */
export async function runCli(args: readonly string[], env: Readonly<Record<string, string>> = {}): Promise<{ code: number | NodeJS.Signals; stdout: string; stderr: string }> {
  const cli = startCli(args, env);
  const code = await cli.exited;
  return { code, stdout: cli.stdout(), stderr: cli.stderr() };
}

/** Starts `switchboard serve` and resolves once it listens, with its base URL (it binds an OS-chosen port). */
export async function startServe(env: Readonly<Record<string, string>>, args: readonly string[] = []): Promise<CliProcess & { readonly url: string }> {
  const cli = startCli([...args, 'serve'], { PORT: '0', LOG_LEVEL: 'info', ...env });
  const line = await cli.waitForLine(/"msg":"switchboard listening"/);
  const url = (JSON.parse(line) as { url: string }).url;
  return Object.assign(cli, { url });
}

/** SIGKILLs every child still running and waits for each to exit (for afterEach). */
export async function killCliProcesses(): Promise<void> {
  const children = [...running];
  await Promise.all(
    children.map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) {
            resolve();
            return;
          }
          child.once('exit', () => resolve());
          child.kill('SIGKILL');
        }),
    ),
  );
}
