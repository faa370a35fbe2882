/**
 * Runs one example end to end: the stand-ins for the external services (in this process), Switchboard
 * as a child process on the example's config file, then the example's requests, each printed with its
 * answer. Exits 0 when every answer is what it should be, 1 (with the reason and Switchboard's last log
 * lines) otherwise; Switchboard and the stand-ins are stopped either way, on Ctrl-C too.
 *
 *   tsx examples/run-example.ts <chainsync|leads> [--keep] [--from-source]
 *
 * --keep          leave everything running afterwards, print URLs and a curl to try; Ctrl-C stops it
 * --from-source   run Switchboard from src/ through tsx instead of dist/ (no build needed)
 *
 * Environment (all optional): EXAMPLE_PORT (Switchboard's port instead of the config's),
 * EXAMPLE_<SERVICE>_PORT (a stand-in's port, e.g. EXAMPLE_SLOTIFY_PORT; 0 for a free one),
 * EXAMPLE_DATA_DIR (instead of the config's data_dir; must be empty or an earlier example's).
 */
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { chainsyncExample } from './chainsync/chainsync-example.js';
import { leadsExample } from './leads/leads-example.js';
import type { Example, PortChoice } from './support/example.js';
import { ExampleFailure } from './support/example-failure.js';
import { createHttpTranscript } from './support/http-transcript.js';
import { prepareExampleDataDir } from './support/prepare-example-data-dir.js';
import { readExampleConfig } from './support/read-example-config.js';
import { startSwitchboardProcess, type SwitchboardProcess } from './support/switchboard-process.js';

const examples: Readonly<Record<string, Example>> = { chainsync: chainsyncExample, leads: leadsExample };
const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const usage = `usage: tsx examples/run-example.ts <${Object.keys(examples).join('|')}> [--keep] [--from-source]`;

/** Stops what was started, last first, once, whatever called it. */
const closers: Array<() => Promise<void>> = [];
let closing: Promise<void> | undefined;
const closeAll = (): Promise<void> =>
  (closing ??= (async () => {
    for (const close of closers.reverse()) await close().catch((error: unknown) => console.error(`while stopping: ${String(error)}`));
  })());

let switchboard: SwitchboardProcess | undefined;
let keeping = false;

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { keep: { type: 'boolean' }, 'from-source': { type: 'boolean' }, help: { type: 'boolean' } } });
  const name = positionals[0];
  const example = name === undefined ? undefined : examples[name];
  if (values.help === true || example === undefined || positionals.length > 1) {
    console.error(usage);
    process.exit(values.help === true ? 0 : 2);
  }

  const config = readExampleConfig(join(repoRoot, example.configFile));
  const port = portFromEnv('EXAMPLE_PORT') ?? config.port;
  const dataDir = resolve(repoRoot, process.env['EXAMPLE_DATA_DIR'] ?? config.dataDir);
  prepareExampleDataDir(dataDir);
  const chosen = new Map<number, string>();
  const portOf: PortChoice = (service, configuredUrl) => {
    const variable = `EXAMPLE_${service.toUpperCase()}_PORT`;
    const servicePort = portFromEnv(variable) ?? Number(new URL(configuredUrl).port);
    chosen.set(servicePort, variable);
    return servicePort;
  };

  const session = await example.open(config, portOf).catch((error: unknown) => {
    const taken = (error as { code?: unknown; port?: unknown }).code === 'EADDRINUSE' ? chosen.get(Number((error as { port?: unknown }).port)) : undefined;
    if (taken === undefined) throw error;
    throw new ExampleFailure(`port ${String((error as { port?: unknown }).port)} is in use: stop what listens there, or give the stand-in another one with ${taken}=<port> (0: any free port)`);
  });
  closers.push(() => session.close());
  console.log(`Switchboard example — ${example.title}`);
  console.log(`  config      ${example.configFile}`);
  console.log(`  data dir    ${dataDir}`);
  for (const standIn of session.standIns) console.log(`  ${standIn.name.padEnd(28)} ${standIn.url}`);

  const url = `http://${config.host}:${port}`;
  switchboard = await startSwitchboardProcess({
    repoRoot,
    configFile: example.configFile,
    env: {
      ...session.env,
      // The environment wins over the file: only what differs from the file is overridden.
      ...(port === config.port ? {} : { PORT: String(port) }),
      ...(process.env['EXAMPLE_DATA_DIR'] === undefined ? {} : { SWITCHBOARD_DATA_DIR: dataDir }),
    },
    fromSource: values['from-source'] === true,
    url,
    logFile: join(dataDir, 'switchboard.log'),
  });
  closers.push(() => switchboard?.stop() ?? Promise.resolve());
  console.log(`  Switchboard${' '.repeat(18)}${url}  (log: ${switchboard.logFile})`);

  const http = createHttpTranscript(url);
  http.step('Switchboard is up');
  const health = await http.send('GET', '/health');
  if (health.status !== 200) throw new ExampleFailure(`GET /health should be 200; got ${health.status}`);
  await session.run(http);
  console.log(`\n✓ every answer was as expected`);

  if (values.keep !== true) {
    await closeAll();
    console.log('Stopped Switchboard and the stand-ins.');
    return;
  }
  keeping = true;
  console.log(`\nStill running (Ctrl-C stops everything):`);
  console.log(`  Switchboard  ${url}   API docs ${url}/docs   log ${switchboard.logFile}`);
  for (const standIn of session.standIns) console.log(`  ${standIn.name}  ${standIn.url}`);
  console.log('');
  for (const line of session.tryIt(url)) console.log(line);
  console.log('');
  const stopWatching = session.watch((line) => console.log(line));
  closers.push(async () => stopWatching());
  await new Promise<never>(() => {});
}

function portFromEnv(name: string): number | undefined {
  const text = process.env[name];
  if (text === undefined || text === '') return undefined;
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new ExampleFailure(`${name} must be a port number, got "${text}"`);
  return port;
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.error(`\n${signal}: stopping Switchboard and the stand-ins`);
    void closeAll().then(() => process.exit(keeping ? 0 : 130));
  });
}

main().catch(async (error: unknown) => {
  if (error instanceof ExampleFailure) {
    console.error(`\n✗ ${error.message}`);
    if (switchboard !== undefined) console.error(`\nSwitchboard's last log lines (all of them in ${switchboard.logFile}):\n${switchboard.logTail()}`);
  } else {
    console.error(error);
  }
  await closeAll();
  process.exit(1);
});
