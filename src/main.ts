import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { pino, type Logger } from 'pino';
import { createBuiltinActions } from './actions/builtin-actions.js';
import { createLeadActions } from './leads/lead-actions.js';
import { createPlatformCredentials } from './leads/platform-credentials.js';
import { enabledFlows } from './flows/enabled-flows.js';
import { createAgentServices } from './agents/agent-services.js';
import { ConfigError } from './config/config-error.js';
import { describeSchemaErrors } from './config/describe-schema-errors.js';
import type { SwitchboardConfig } from './config/config-schema.js';
import { resolveKeys } from './config/resolve-keys.js';
import { systemClock, type Clock } from './core/clock.js';
import { createSecretBox } from './crypto/secret-box.js';
import { startDelivery } from './delivery/start-delivery.js';
import { buildApp } from './http/build-app.js';
import { createMetrics } from './http/metrics.js';
import { Value } from 'typebox/value';
import { RegisterEndpointBody } from './http/schemas/webhook-schemas.js';
import { EndpointDirectory } from './ingress/webhooks/endpoint-directory.js';
import type { EndpointRegistration } from './ingress/webhooks/endpoint-registration.js';
import { syncConfigEndpoints } from './ingress/webhooks/sync-config-endpoints.js';
import type { IngestItem, IngestResult } from './store/events/commit-ingest-batch.js';
import { commitIngestBatchPostgres } from './store/events/commit-ingest-batch-postgres.js';
import { RequestLogSweeper } from './maintenance/request-log-sweeper.js';
import { InProcessJobNotifier } from './queue/in-process-job-notifier.js';
import type { JobNotifier } from './queue/job-notifier.js';
import { JobWorker } from './queue/job-worker.js';
import { PostgresJobNotifier } from './queue/postgres-job-notifier.js';
import type { RetryPolicy } from './queue/retry-policy.js';
import { createEventRouter } from './runs/event-router.js';
import { RunCompletions } from './runs/run-completions.js';
import { createRunQueue } from './runs/run-executor.js';
import { RUNS_QUEUE } from './runs/run-queue.js';
import { stepFailureCodes } from './runs/step-failure.js';
import { createRouteTable, type RouteTable } from './routing/route-table.js';
import { syncConfigRoutes } from './routing/sync-config-routes.js';
import { SqliteIngestWriter } from './store/sqlite-writer/sqlite-ingest-writer.js';
import { GroupCommitter } from './store/group-committer.js';
import { TransactionBatcher } from './store/transaction-batcher.js';
import type { RunProgress, RunProgressOutcome } from './store/runs/commit-run-progress.js';
import { commitRunProgressPostgres } from './store/runs/commit-run-progress-postgres.js';
import { migrateToLatest } from './store/migrate-to-latest.js';
import { openStore } from './store/open-store.js';
import type { Store } from './store/store.js';

export interface Switchboard {
  readonly app: FastifyInstance;
  readonly store: Store;
  readonly adminKey: string;
  /** The compiled routes (config file and API), for the runs engine to match committed events against. */
  readonly routeTable: RouteTable;
  /** The address the server listens on (after `listen`), e.g. http://127.0.0.1:8080. */
  readonly url: string;
  /** Stops accepting, finishes in-flight requests, commits pending writes, closes the store. Idempotent. */
  close(): Promise<void>;
}

export interface StartOptions {
  readonly clock?: Clock;
  readonly logger?: Logger;
  /** false: build everything but do not open a port (tests using inject). */
  readonly listen?: boolean;
  /** The config file's directory: relative custom agent module paths resolve against it (else the working directory). */
  readonly configDir?: string;
}

/** Creates the JSON logger. Secrets never reach it: headers are not logged, and auth values are redacted if they are. */
export function createLogger(level: SwitchboardConfig['log_level']): Logger {
  return pino({
    level,
    redact: { paths: ['req.headers.authorization', 'req.headers["x-api-key"]', 'req.headers.cookie', '*.secret', '*.api_key'], censor: '[redacted]' },
  });
}

/** How long start-up waits for Redis before serving without it (rate limits fail open until it connects). */
const REDIS_CONNECT_WAIT_MS = 2000;

/**
 * Resolves true once Redis is connected, false on the first connection error or after `timeoutMs`.
 * Without this wait the server could answer before its rate-limit store is usable.
 */
function redisConnected(redis: Redis, timeoutMs: number): Promise<boolean> {
  if (redis.status === 'ready') return Promise.resolve(true);
  return new Promise((resolve) => {
    const settle = (connected: boolean) => {
      clearTimeout(timer);
      redis.off('ready', onReady);
      redis.off('error', onError);
      resolve(connected);
    };
    const onReady = () => settle(true);
    const onError = () => settle(false);
    const timer = setTimeout(() => settle(false), timeoutMs);
    redis.once('ready', onReady);
    redis.once('error', onError);
  });
}

/** The composition root: opens the store, runs migrations, wires ingress, HTTP and metrics, and listens. */
export async function startSwitchboard(config: SwitchboardConfig, options: StartOptions = {}): Promise<Switchboard> {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? createLogger(config.log_level);
  const keys = resolveKeys(config);
  for (const file of keys.generatedFiles) logger.warn({ file }, 'generated a key on first start; it is kept in this file (mode 0600)');

  // What is open so far, closed in reverse order if start-up fails half-way (e.g. a wrong secret key).
  const opened: Array<() => Promise<void> | void> = [];
  try {
    const store = await openStore({
      databaseUrl: config.database_url,
      dataDir: config.data_dir,
      sqliteSynchronous: config.store.sqlite_synchronous,
      poolSize: config.store.pool_size,
      pgSchema: config.store.pg_schema,
    });
    opened.push(() => store.close());
    const applied = await migrateToLatest(store);
    for (const result of applied) logger.info({ migration: result.migrationName, status: result.status }, 'migration');

    // Config routes are checked in full before anything else starts: a bad one stops start-up, naming route, step and reason.
    const agentServices = await createAgentServices({
      config,
      db: store.db,
      dialect: store.dialect,
      logger,
      clock,
      ...(options.configDir === undefined ? {} : { configDir: options.configDir }),
    });
    const secretBox = createSecretBox(keys.secretKey);
    // The built-in actions and their services (Slotify, ChainSync, Calendly, WhatsApp, the seed flows' records).
    // Calendly and WhatsApp steps use the user's own account from /api/integrations when they connected one.
    const platforms = createPlatformCredentials({ db: store.db, secretBox });
    const actions = createBuiltinActions({
      config,
      db: store.db,
      clock,
      logger,
      platforms,
      extra: createLeadActions({ db: store.db, clock, credentials: platforms }),
    });
    opened.push(() => actions.close());
    const actionRegistry = actions.registry;
    const routeRegistries = { agents: agentServices.registry, actions: actionRegistry };
    // The enabled seed flows install their endpoints and routes with the file's own.
    const flows = enabledFlows(config.flows);
    if (!flows.ok) throw new ConfigError(`Invalid configuration:\n  ${flows.message}`);
    const configRoutes = await syncConfigRoutes(store.db, [...config.routes, ...flows.routes], routeRegistries, clock.nowMs());
    if (!configRoutes.ok) throw new ConfigError(`Invalid configuration:\n  ${configRoutes.message}`);
    const routeTable = createRouteTable({ db: store.db, registries: routeRegistries, logger });
    await routeTable.reload();
    // Several processes on one PostgreSQL database: a route written through one process's API reaches the others here.
    const routeRefresh =
      config.runs.route_refresh_ms > 0
        ? setInterval(() => {
            routeTable.refresh().catch((error: unknown) => logger.warn({ err: error }, 'could not check for route changes; retrying'));
          }, config.runs.route_refresh_ms)
        : undefined;
    routeRefresh?.unref();
    opened.push(() => clearInterval(routeRefresh));

    const metrics = createMetrics();
    // SQLite: one writer thread takes every hot-path write (ingest, run progress, job claims).
    const sqliteWriter = store.sqliteFile === undefined ? undefined : new SqliteIngestWriter({ file: store.sqliteFile.path, synchronous: store.sqliteFile.synchronous });
    opened.push(() => sqliteWriter?.close());

    // The runs engine. Wake-ups: LISTEN/NOTIFY across processes on PostgreSQL, in-process on SQLite.
    let notifier: JobNotifier;
    if (config.database_url !== undefined) {
      const pgNotifier = new PostgresJobNotifier({ databaseUrl: config.database_url, onError: (error) => logger.warn({ err: error }, 'job wake-up connection lost; reconnecting') });
      await pgNotifier.start();
      opened.push(() => pgNotifier.stop());
      notifier = pgNotifier;
    } else {
      notifier = new InProcessJobNotifier();
    }
    // Deliveries: channels, integration defaults (health-checked now), the dispatcher and the outbox relay.
    const delivery = await startDelivery({
      config: config.delivery,
      db: store.db,
      dialect: store.dialect,
      secretBox,
      notifier,
      clock,
      logger: logger.child({ component: 'delivery' }),
      metrics,
      sqliteWriter,
    });
    opened.push(() => delivery.close(config.runs.drain_timeout_ms));
    const stepPolicy: RetryPolicy = {
      maxAttempts: config.runs.max_attempts,
      baseDelayMs: config.runs.base_delay_ms,
      maxDelayMs: config.runs.max_delay_ms,
      retryable: (code) => (code in stepFailureCodes ? stepFailureCodes[code as keyof typeof stepFailureCodes].retryable : true),
    };
    const completions = new RunCompletions();
    // Run progress commits in groups: one statement (PostgreSQL) or one transaction on the writer thread (SQLite) for many runs.
    const runCommitter = new GroupCommitter<RunProgress, RunProgressOutcome>({
      commit: (items) => (sqliteWriter === undefined ? commitRunProgressPostgres(store.db, items) : sqliteWriter.commitRuns(items)),
      maxBatchSize: 256,
      maxConcurrentCommits: 2,
      onCommit: (size, durationMs) => {
        metrics.storeCommitDuration.observe({ operation: 'runs' }, durationMs / 1000);
        metrics.storeBatchSize.observe({ operation: 'runs' }, size);
      },
    });
    // Other queues' job outcomes (and run jobs with nothing left to do) also commit in groups.
    const jobBatcher = new TransactionBatcher(store.db, { maxBatchSize: 256, maxConcurrentCommits: 1 });
    const router = createEventRouter(routeTable, stepPolicy.maxAttempts);
    const worker = config.runs.worker
      ? new JobWorker({
          db: store.db,
          dialect: store.dialect,
          notifier,
          clock,
          random: Math.random,
          concurrency: config.runs.concurrency,
          leaseMs: config.runs.lease_ms,
          pollIntervalMs: config.runs.poll_interval_ms,
          settle: jobBatcher,
          ...(sqliteWriter === undefined ? {} : { claim: (request) => sqliteWriter.claim(request) }),
          onError: (error) => logger.error({ err: error }, 'run worker store error; the job runs again when its lease expires'),
          queues: {
            [RUNS_QUEUE]: createRunQueue(
              {
                db: store.db,
                dialect: store.dialect,
                commit: (progress) => runCommitter.submit(progress),
                clock,
                logger: logger.child({ component: 'runs' }),
                random: Math.random,
                steps: {
                  agents: agentServices.registry,
                  actions: actionRegistry,
                  store: agentServices.store,
                  learning: agentServices.learning,
                  ...(agentServices.llm === undefined ? {} : { llm: agentServices.llm }),
                },
                routes: routeTable,
                notifier,
                completions,
                stepPolicy,
                checkpointAfterMs: config.runs.checkpoint_after_ms,
                onNotificationsCommitted: () => delivery.onNotificationsCommitted(),
              },
              stepPolicy,
            ),
          },
        })
      : undefined;

    // Endpoints declared in the file, checked like registrations; a bad one stops start-up by name.
    const endpointProblems = config.endpoints.flatMap((endpoint, index) =>
      describeSchemaErrors([...Value.Errors(RegisterEndpointBody, endpoint)], (key) => (key === '(root)' ? `endpoints[${index}]` : `endpoints[${index}].${key}`)).slice(0, 3),
    );
    if (endpointProblems.length > 0) throw new ConfigError(`Invalid configuration:\n  ${endpointProblems.join('\n  ')}`);
    const configEndpoints = await syncConfigEndpoints(
      store,
      secretBox,
      [...(config.endpoints as unknown as EndpointRegistration[]), ...flows.endpoints],
      { maxPayloadBytes: config.webhooks.default_max_payload_bytes, toleranceSeconds: config.webhooks.default_tolerance_seconds, rateLimit: config.webhooks.default_rate_limit },
      clock.nowMs(),
    );
    if (!configEndpoints.ok) throw new ConfigError(`Invalid configuration:\n  ${configEndpoints.message}`);
    for (const id of configEndpoints.created) logger.info({ endpoint: id }, 'created the endpoint declared in the config file');
    const directory = new EndpointDirectory(store, secretBox, clock, config.webhooks.endpoint_cache_ttl_ms);
    await directory.reload();
    const commitBatch = (items: readonly IngestItem[]) => (sqliteWriter === undefined ? commitIngestBatchPostgres(store.db, items) : sqliteWriter.commit(items));
    const committer = new GroupCommitter<IngestItem, IngestResult>({
      // Runs committed with their events: wake the workers once the batch is durable.
      commit: async (items) => {
        const results = await commitBatch(items);
        if (results.some((result, index) => !(result instanceof Error) && result.outcome === 'accepted' && (items[index]?.runs?.length ?? 0) > 0)) {
          worker?.wake();
          notifier.notifyEnqueued(store.db, [RUNS_QUEUE]).catch((error: unknown) => logger.warn({ err: error }, 'could not signal run workers; they find the runs on their next poll'));
        }
        return results;
      },
      maxBatchSize: config.ingest.batch_max_size,
      maxConcurrentCommits: config.ingest.concurrent_commits ?? (store.dialect === 'sqlite' ? 2 : 1),
      onCommit: (size, durationMs) => {
        metrics.storeCommitDuration.observe({ operation: 'ingest' }, durationMs / 1000);
        metrics.storeBatchSize.observe({ operation: 'ingest' }, size);
      },
    });
    const redis = config.redis_url === undefined ? undefined : new Redis(config.redis_url, { maxRetriesPerRequest: 1, enableOfflineQueue: false, lazyConnect: false });
    redis?.on('error', (error) => logger.warn({ err: error }, 'redis error'));
    opened.push(() => redis?.disconnect());
    if (redis !== undefined && !(await redisConnected(redis, REDIS_CONNECT_WAIT_MS))) {
      logger.warn('redis is not reachable yet: rate limits are not enforced until it is, and /health/detailed reports degraded');
    }

    const sweeper =
      config.webhooks.request_log_retention_days > 0
        ? new RequestLogSweeper({ store, clock, logger, retentionDays: config.webhooks.request_log_retention_days, intervalMs: 3_600_000 })
        : undefined;
    sweeper?.start();
    opened.push(() => sweeper?.stop());

    const app = await buildApp({
      config,
      store,
      directory,
      writer: committer,
      secretBox,
      adminKey: keys.adminKey,
      clock,
      metrics,
      logger,
      redis,
      routeTable,
      agents: agentServices.registry,
      runs: { router, completions, notifier },
      delivery: delivery.services,
    });
    opened.push(() => app.close());
    worker?.start();
    opened.push(() => worker?.stop({ timeoutMs: config.runs.drain_timeout_ms }).then(() => undefined));
    delivery.start();
    let url = '';
    if (options.listen !== false) {
      url = await app.listen({ host: config.server.host, port: config.server.port });
      logger.info({ url, store: store.dialect, admin_key_file: config.admin_key === undefined ? `${config.data_dir}/admin.key` : '(from config)' }, 'switchboard listening');
    } else {
      await app.ready();
    }

    let closing: Promise<void> | undefined;
    return {
      app,
      store,
      adminKey: keys.adminKey,
      routeTable,
      url,
      close() {
        closing ??= (async () => {
          clearInterval(routeRefresh);
          await app.close();
          await sweeper?.stop();
          await committer.drain();
          const drained = await worker?.stop({ timeoutMs: config.runs.drain_timeout_ms });
          await runCommitter.drain();
          await jobBatcher.drain();
          // After the runs: their last commits may have written notifications for the relay.
          await delivery.close(config.runs.drain_timeout_ms);
          await actions.close();
          if (drained?.drained === false) logger.warn('runs still executing at shutdown are left to their leases; another process (or the next start) resumes them');
          if (notifier instanceof PostgresJobNotifier) await notifier.stop();
          await sqliteWriter?.close();
          redis?.disconnect();
          await store.close();
        })();
        return closing;
      },
    };
  } catch (error) {
    for (const close of opened.reverse()) await Promise.resolve(close()).catch(() => undefined);
    throw error;
  }
}
