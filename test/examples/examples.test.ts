import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const running = new Set<ChildProcess>();
const dataDirs: string[] = [];

/** A port nothing listens on right now (the OS's choice), for Switchboard; the stand-ins take port 0 themselves. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (address !== null && typeof address === 'object' ? resolve(address.port) : reject(new Error('no TCP address'))));
    });
  });
}

/** `tsx examples/run-example.ts <name> --from-source` on free ports and a fresh data dir; its exit code and output. */
async function runExample(name: string): Promise<{ code: number | string; output: string }> {
  const dataDir = mkdtempSync(join(tmpdir(), `sb-example-${name}-`));
  dataDirs.push(dataDir);
  const env = {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    HOME: process.env['HOME'] ?? '/tmp',
    EXAMPLE_PORT: String(await freePort()),
    EXAMPLE_DATA_DIR: dataDir,
    EXAMPLE_SLOTIFY_PORT: '0',
    EXAMPLE_CHAINSYNC_PORT: '0',
    EXAMPLE_CALENDLY_PORT: '0',
    EXAMPLE_WHATSAPP_PORT: '0',
  };
  const child = spawn(process.execPath, ['--import', 'tsx', 'examples/run-example.ts', name, '--from-source'], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const code = await new Promise<number | string>((resolve) => child.once('exit', (exitCode, signal) => resolve(exitCode ?? signal ?? 'unknown')));
  running.delete(child);
  return { code, output };
}

describe('examples (npm run example:chainsync, npm run example:leads)', () => {
  afterEach(async () => {
    // SIGTERM lets a runner stop its Switchboard child; SIGKILL would leave that one behind.
    await Promise.all(
      [...running].map(
        (child) =>
          new Promise<void>((resolve) => {
            child.once('exit', () => resolve());
            child.kill('SIGTERM');
            setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
          }),
      ),
    );
    for (const dir of dataDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('chainsync: every step of seed 000 answers as it should, and the runner exits 0', { timeout: 45_000 }, async () => {
    const { code, output } = await runExample('chainsync');
    expect(code, output).toBe(0);
    expect(output).toContain('✓ every answer was as expected');
    expect(output).toContain('"message": "Alert processed and meeting created"');
  });

  it('leads: every step of seed 003 answers as it should, and the runner exits 0', { timeout: 45_000 }, async () => {
    const { code, output } = await runExample('leads');
    expect(code, output).toBe(0);
    expect(output).toContain('✓ every answer was as expected');
    expect(output).toContain('"status": "scheduled"');
  });
});
