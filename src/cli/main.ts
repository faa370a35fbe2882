import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Command, Option } from 'commander';
import { ConfigError } from '../config/config-error.js';
import { loadConfig } from '../config/load-config.js';
import { readSecretKey } from '../config/resolve-keys.js';
import { createSecretBox } from '../crypto/secret-box.js';
import { EndpointDirectory } from '../ingress/webhooks/endpoint-directory.js';
import { getScheme, schemeNames } from '../ingress/verify/scheme-registry.js';
import { createLogger, startSwitchboard } from '../main.js';
import { migrateToLatest } from '../store/migrate-to-latest.js';
import { openStore } from '../store/open-store.js';
import { systemClock } from '../core/clock.js';

const program = new Command();
program.name('switchboard').description('Self-hosted integration layer for AI-agent systems.').option('-c, --config <file>', 'YAML or JSON config file (or SWITCHBOARD_CONFIG)');

program
  .command('serve')
  .description('start the HTTP server (runs pending migrations first)')
  .action(async () => {
    const configFile = program.opts<{ config?: string }>().config ?? process.env['SWITCHBOARD_CONFIG'];
    const config = loadConfig({ file: configFile, env: process.env });
    const switchboard = await startSwitchboard(config, configFile === undefined || configFile === '' ? {} : { configDir: dirname(resolve(configFile)) });
    const logger = switchboard.app.log;
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      logger.info({ signal }, 'shutting down: no new connections, finishing in-flight requests');
      const force = setTimeout(() => {
        logger.error('shutdown took too long; exiting');
        process.exit(1);
      }, config.server.shutdown_timeout_ms);
      force.unref();
      switchboard.close().then(
        () => {
          logger.info('stopped');
          process.exit(0);
        },
        (error: unknown) => {
          logger.error({ err: error }, 'shutdown failed');
          process.exit(1);
        },
      );
    };
    process.on('SIGTERM', () => stop('SIGTERM'));
    process.on('SIGINT', () => stop('SIGINT'));
  });

program
  .command('migrate')
  .description('run pending database migrations and exit')
  .action(async () => {
    const config = loadConfig({ file: program.opts<{ config?: string }>().config, env: process.env });
    const logger = createLogger(config.log_level);
    const store = await openStore({ databaseUrl: config.database_url, dataDir: config.data_dir, pgSchema: config.store.pg_schema });
    try {
      const results = await migrateToLatest(store);
      for (const r of results) logger.info({ migration: r.migrationName, status: r.status }, 'migration');
      logger.info({ applied: results.length, store: store.dialect }, 'migrations complete');
    } finally {
      await store.close();
    }
  });

program
  .command('sign')
  .description('print the headers that sign a body, to send a signed webhook with curl')
  .option('-e, --endpoint <id>', 'use this registered endpoint\'s scheme and current secret (reads the store)')
  .addOption(new Option('-s, --scheme <name>', 'signature scheme').choices([...schemeNames]))
  .option('--secret <secret>', 'the shared secret (or SWITCHBOARD_SIGN_SECRET)')
  .option('-o, --option <key=value...>', 'scheme option, e.g. -o signature_header=x-sig (repeatable)')
  .option('-d, --data <body>', 'the exact body to sign')
  .option('-f, --file <path>', 'read the body from a file (- for stdin)')
  .option('--url <url>', 'the URL the request goes to (URL-signing schemes such as twilio)', 'http://127.0.0.1:8080/')
  .addOption(new Option('--format <format>', 'output format').choices(['curl', 'json', 'http']).default('curl'))
  .action(async (opts: { endpoint?: string; scheme?: string; secret?: string; option?: string[]; data?: string; file?: string; url: string; format: string }) => {
    const body = opts.file !== undefined ? readFileSync(opts.file === '-' ? 0 : opts.file) : Buffer.from(opts.data ?? '', 'utf8');
    let schemeName = opts.scheme;
    let options: Record<string, unknown> = {};
    let secret = opts.secret ?? process.env['SWITCHBOARD_SIGN_SECRET'];
    if (opts.endpoint !== undefined) {
      const config = loadConfig({ file: program.opts<{ config?: string }>().config, env: process.env });
      const store = await openStore({ databaseUrl: config.database_url, dataDir: config.data_dir, pgSchema: config.store.pg_schema });
      try {
        const directory = new EndpointDirectory(store, createSecretBox(readSecretKey(config)), systemClock, 0);
        const resolved = await directory.findById(opts.endpoint);
        if (resolved === undefined) throw new ConfigError(`No endpoint "${opts.endpoint}" in ${store.dialect === 'sqlite' ? config.data_dir : 'the database'}.`);
        schemeName = resolved.endpoint.verification.scheme;
        options = { ...resolved.endpoint.verification.options };
        secret ??= resolved.secrets[0]?.value;
      } finally {
        await store.close();
      }
    }
    for (const pair of opts.option ?? []) {
      const at = pair.indexOf('=');
      if (at < 1) throw new ConfigError(`--option expects key=value, got "${pair}"`);
      const value = pair.slice(at + 1);
      options[pair.slice(0, at)] = /^\d+$/.test(value) ? Number(value) : value;
    }
    if (schemeName === undefined) throw new ConfigError('Give --scheme (and --secret), or --endpoint.');
    const scheme = getScheme(schemeName);
    if (scheme === undefined) throw new ConfigError(`Unknown scheme "${schemeName}".`);
    const parsed = scheme.parseOptions(options);
    if (!parsed.ok) throw new ConfigError(`Scheme options: ${parsed.message}`);
    // api-key "signs" with the plain key itself; the store holds only its hash, so it must be given.
    if ((scheme.usesSecret || scheme.name === 'api-key') && secret === undefined) {
      throw new ConfigError(scheme.name === 'api-key' ? 'Give the plain API key with --secret.' : 'Give --secret (or SWITCHBOARD_SIGN_SECRET).');
    }
    const headers = scheme.sign(body, secret ?? '', parsed.options, { url: opts.url, messageId: `msg_${Date.now().toString(36)}`, nowMs: Date.now() });
    if (opts.format === 'json') console.log(JSON.stringify(headers, null, 2));
    else if (opts.format === 'http') for (const [name, value] of Object.entries(headers)) console.log(`${name}: ${value}`);
    else for (const [name, value] of Object.entries(headers)) console.log(`-H '${name}: ${value.replaceAll("'", "'\\''")}'`);
  });

program.parseAsync(process.argv).catch((error: unknown) => {
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(2);
  }
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL') {
    console.error(`Cannot listen: ${(error as Error).message}. Choose another PORT or HOST (server.port / server.host).`);
    process.exit(2);
  }
  console.error(error);
  process.exit(1);
});
