import { spawn } from 'node:child_process';
import { createWriteStream, existsSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { ExampleFailure } from './example-failure.js';

export interface SwitchboardProcessOptions {
  /** The repository root: the working directory, so the config file's relative data_dir is the repository's. */
  readonly repoRoot: string;
  /** Relative to the repository root. */
  readonly configFile: string;
  /** The child's whole environment besides PATH and HOME (nothing else is inherited, so a DATABASE_URL in the shell cannot redirect an example). */
  readonly env: Readonly<Record<string, string>>;
  /** Run `src/cli/main.ts` through tsx instead of the build in `dist/` (`bin/switchboard.js`). */
  readonly fromSource: boolean;
  /** Where the config (or the PORT override) makes it listen. */
  readonly url: string;
  /** Its stdout and stderr (JSON log lines) go here. */
  readonly logFile: string;
  readonly startTimeoutMs?: number;
}

/** A `switchboard serve` child process that answered `GET /health`. */
export interface SwitchboardProcess {
  readonly url: string;
  readonly logFile: string;
  /** Its last log lines, for a failure message. */
  logTail(lines?: number): string;
  /** SIGTERM (it drains and exits), SIGKILL after 5 s; resolves once it has exited. */
  stop(): Promise<void>;
}

/** Starts `switchboard --config <file> serve` and resolves once `GET /health` answers 200; an ExampleFailure with its log otherwise. */
export async function startSwitchboardProcess(options: SwitchboardProcessOptions): Promise<SwitchboardProcess> {
  const { hostname, port } = new URL(options.url);
  if (await somethingListens(hostname, Number(port))) {
    throw new ExampleFailure(`${options.url} is already in use (another Switchboard?): stop it, or pick another port with EXAMPLE_PORT=<port>`);
  }
  const cli = options.fromSource ? ['--import', 'tsx', 'src/cli/main.ts'] : ['bin/switchboard.js'];
  if (!options.fromSource && !existsSync(join(options.repoRoot, 'dist', 'cli', 'main.js'))) {
    throw new ExampleFailure('dist/ is missing: run `npm run build` first (the npm scripts do), or pass --from-source');
  }
  const child = spawn(process.execPath, [...cli, '--config', options.configFile, 'serve'], {
    cwd: options.repoRoot,
    env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: process.env['HOME'] ?? '/tmp', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Last resort: a runner that dies on an uncaught error must not leave the server behind.
  const killOnExit = () => void child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const log = createWriteStream(options.logFile, { flags: 'a' });
  const recent: string[] = [];
  const keep = (chunk: Buffer) => {
    log.write(chunk);
    recent.push(...chunk.toString('utf8').split('\n').filter((line) => line !== ''));
    recent.splice(0, Math.max(0, recent.length - 200));
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')));
  let exitStatus: number | string | undefined;
  void exited.then((status) => {
    exitStatus = status;
    process.off('exit', killOnExit);
    log.end();
  });

  const logTail = (lines = 20) => recent.slice(-lines).join('\n');
  const stop = async () => {
    if (exitStatus !== undefined) return;
    child.kill('SIGTERM');
    const force = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(force);
  };

  const deadline = Date.now() + (options.startTimeoutMs ?? 30_000);
  for (;;) {
    if (exitStatus !== undefined) throw new ExampleFailure(`switchboard exited (${exitStatus}) before answering GET /health; its last lines:\n${logTail()}`);
    if (await healthy(options.url)) return { url: options.url, logFile: options.logFile, logTail, stop };
    if (Date.now() > deadline) {
      await stop();
      throw new ExampleFailure(`switchboard did not answer GET ${options.url}/health within ${options.startTimeoutMs ?? 30_000} ms; its last lines:\n${logTail()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function healthy(url: string): Promise<boolean> {
  try {
    const response = await fetch(`${url}/health`, { signal: AbortSignal.timeout(2_000) });
    return response.status === 200 && ((await response.json()) as { status?: unknown }).status === 'ok';
  } catch {
    return false;
  }
}

function somethingListens(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
