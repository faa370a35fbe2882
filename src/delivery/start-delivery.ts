import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { ConfigError } from '../config/config-error.js';
import type { DeliveryConfig } from '../config/delivery-config-schema.js';
import type { Clock } from '../core/clock.js';
import { coerceError } from '../core/coerce-error.js';
import { memoizedSecretBox } from '../crypto/memoized-secret-box.js';
import type { SecretBox } from '../crypto/secret-box.js';
import type { JobNotifier } from '../queue/job-notifier.js';
import { JobWorker } from '../queue/job-worker.js';
import type { Database, Dialect } from '../store/database.js';
import type { DeliveryCommitResult, DeliveryOutcome } from '../store/deliveries/commit-delivery-outcomes.js';
import { commitDeliveryOutcomesPostgres } from '../store/deliveries/commit-delivery-outcomes-postgres.js';
import { GroupCommitter } from '../store/group-committer.js';
import { syncSystemDefaults } from '../store/integration-defaults/sync-system-defaults.js';
import type { NewNotification, NotificationCommitOutcome } from '../store/notifications/commit-notifications.js';
import { commitNotificationsPostgres } from '../store/notifications/commit-notifications-postgres.js';
import { TransactionBatcher } from '../store/transaction-batcher.js';
import type { SqliteIngestWriter } from '../store/sqlite-writer/sqlite-ingest-writer.js';
import type { ChannelHealth } from './channels/channel.js';
import type { ChannelRegistry } from './channels/channel-registry.js';
import { createEmailChannel } from './channels/email-channel.js';
import { createSlackChannel } from './channels/slack-channel.js';
import { createSmsChannel } from './channels/sms-channel.js';
import { createTestChannel } from './channels/test-channel.js';
import { createWebhookChannel } from './channels/webhook-channel.js';
import type { DeliveryServices } from './delivery-services.js';
import { createDeliveryQueue } from './dispatch/delivery-handler.js';
import type { DeliveryMetrics } from './dispatch/delivery-metrics.js';
import { DELIVERIES_QUEUE } from './dispatch/delivery-queue.js';
import { DestinationBreakers } from './dispatch/destination-breakers.js';
import { integrationTypes, type IntegrationType } from './integration-type.js';
import { createNotification } from './notifications/create-notification.js';
import { NotifyOutboxRelay } from './notifications/notify-outbox-relay.js';
import { checkUrlAllowed } from './outbound/check-url-allowed.js';
import { createOutboundDispatcher } from './outbound/create-outbound-dispatcher.js';
import { computeSystemDefaults } from './preferences/compute-system-defaults.js';
import { configProblems } from './preferences/config-problems.js';
import { IntegrationDefaults } from './preferences/integration-defaults.js';
import { loadRecipients } from './preferences/load-recipients.js';
import { RecipientCache } from './preferences/recipient-cache.js';

export interface StartDeliveryOptions {
  readonly config: DeliveryConfig;
  readonly db: Kysely<Database>;
  readonly dialect: Dialect;
  readonly secretBox: SecretBox;
  readonly notifier: JobNotifier;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly metrics: DeliveryMetrics & { onCommit(operation: string, size: number, durationMs: number): void };
  /** SQLite: the writer thread, which takes the dispatcher's claims and commits (their fsync stays off the main thread). */
  readonly sqliteWriter?: SqliteIngestWriter | undefined;
}

/** The running delivery system: the API's services, and what main starts and stops. */
export interface RunningDelivery {
  readonly services: DeliveryServices;
  /** A run committed notify_outbox rows: relay them now. */
  onNotificationsCommitted(): void;
  /** Starts the workers (after the HTTP app is ready). */
  start(): void;
  /** Stops relaying and sending (in-flight sends finish within `timeoutMs`), commits what is pending, closes channel pools. */
  close(timeoutMs: number): Promise<void>;
}

/** How long a start-up health check of one channel may take. */
const HEALTH_TIMEOUT_MS = 5_000;

/**
 * Builds the delivery system from configuration: the channels (with the outbound guard on user-given
 * URLs), the integration defaults (recomputed from configuration and health checks, then stored),
 * the notification committer, the dispatcher's worker on the `deliveries` queue and the outbox relay.
 */
export async function startDelivery(options: StartDeliveryOptions): Promise<RunningDelivery> {
  const { config, db, clock, logger } = options;
  const secretBox = memoizedSecretBox(options.secretBox);
  const userUrls = createOutboundDispatcher({ allowPrivateNetworks: config.allow_private_networks, connectionsPerOrigin: config.webhook.connections_per_origin });
  const registry: ChannelRegistry = {
    SLACK: createSlackChannel({ settings: config.slack, userUrlDispatcher: userUrls }),
    EMAIL: createEmailChannel({ settings: config.email }),
    WEBHOOK: createWebhookChannel({ settings: config.webhook, dispatcher: userUrls }),
    SMS: createSmsChannel({ settings: config.sms }),
    TEST: createTestChannel({ db, enabled: config.test.enabled }),
  };
  const closeChannels = async () => {
    await Promise.all(integrationTypes.map((type) => registry[type].close().catch(() => undefined)));
    await userUrls.close().catch(() => undefined);
  };

  try {
    // The file's defaults are checked like an operator's PUT: a bad key stops start-up, named.
    const problems = integrationTypes.flatMap((type) => {
      const fileConfig = config.defaults[type]?.config;
      return fileConfig === undefined ? [] : configProblems(registry[type], fileConfig, { prefix: `delivery.defaults.${type}.config`, secrets: 'refused' });
    });
    if (problems.length > 0) throw new ConfigError(`Invalid configuration:\n${problems.map((p) => `  ${p.path}: ${p.message}`).join('\n')}`);
    const health = await checkChannels(registry, logger);
    const computed = computeSystemDefaults(config.defaults, health);
    await syncSystemDefaults(
      db,
      integrationTypes.map((type) => ({ integration_type: type, ...computed[type], health: health[type] })),
      clock.nowMs(),
    );
  } catch (error) {
    await closeChannels();
    throw error;
  }
  const defaults = new IntegrationDefaults(db);
  await defaults.reload();
  const refresh = config.defaults_refresh_ms > 0 ? setInterval(() => defaults.reload().catch((e: unknown) => logger.warn({ err: e }, 'could not reload integration defaults')), config.defaults_refresh_ms) : undefined;
  refresh?.unref();

  const breakers = new DestinationBreakers({ failureThreshold: config.breaker.failure_threshold, halfOpenAfterMs: config.breaker.half_open_after_ms, clock });
  const expireAfterMs = config.expire_after_seconds * 1000;
  let worker: JobWorker | undefined;
  const wake = () => {
    worker?.wake();
    options.notifier.notifyEnqueued(db, [DELIVERIES_QUEUE]).catch((error: unknown) => logger.warn({ err: error }, 'could not signal delivery workers; they find the deliveries on their next poll'));
  };

  const writer = options.sqliteWriter;
  const notificationCommitter = new GroupCommitter<NewNotification, NotificationCommitOutcome>({
    // One wake-up per committed batch (a NOTIFY on PostgreSQL), not one per notification.
    commit: async (items) => {
      const results =
        writer === undefined
          ? await commitNotificationsPostgres(db, items, clock.nowMs())
          : await writer.commitNotifications(items, clock.nowMs());
      if (results.some((result, index) => !(result instanceof Error) && result.status === 'created' && (items[index]?.deliveries.length ?? 0) > 0)) wake();
      return results;
    },
    maxBatchSize: 256,
    maxConcurrentCommits: 1,
    onCommit: (size, durationMs) => options.metrics.onCommit('notifications', size, durationMs),
  });
  const outcomeCommitter = new GroupCommitter<DeliveryOutcome, DeliveryCommitResult>({
    commit: (items) =>
      writer === undefined ? commitDeliveryOutcomesPostgres(db, items) : writer.commitDeliveries(items),
    maxBatchSize: 256,
    maxConcurrentCommits: 1,
    onCommit: (size, durationMs) => options.metrics.onCommit('deliveries', size, durationMs),
  });
  const jobBatcher = new TransactionBatcher(db, { maxBatchSize: 256, maxConcurrentCommits: 1 });

  const recipients = new RecipientCache({ load: (userIds) => loadRecipients(db, secretBox, userIds), clock, ttlMs: config.recipient_cache_ms });
  const prepareDeps = { recipients: (userIds: readonly string[]) => recipients.get(userIds), defaults, registry, expireAfterMs };
  const services: DeliveryServices = {
    defaults,
    registry,
    breakers,
    expireAfterMs,
    notify: (request) => createNotification({ ...prepareDeps, db, clock, commit: (item) => notificationCommitter.submit(item) }, request),
    recipientChanged: (userId) => recipients.invalidate(userId),
    checkUrl: (url) => checkUrlAllowed(url, config.allow_private_networks),
    wake,
  };

  const relay = new NotifyOutboxRelay({
    db,
    prepare: prepareDeps,
    commit: (items) => Promise.all(items.map((item) => notificationCommitter.submit(item))),
    clock,
    logger: logger.child({ component: 'notify-outbox' }),
    pollIntervalMs: config.poll_interval_ms,
  });
  if (config.worker) {
    worker = new JobWorker({
      db,
      dialect: options.dialect,
      notifier: options.notifier,
      clock,
      random: Math.random,
      concurrency: config.concurrency,
      leaseMs: config.lease_ms,
      pollIntervalMs: config.poll_interval_ms,
      settle: jobBatcher,
      ...(writer === undefined ? {} : { claim: (request) => writer.claim(request) }),
      onError: (error) => logger.error({ err: error }, 'delivery worker store error; the delivery is tried again when its lease expires'),
      queues: {
        [DELIVERIES_QUEUE]: createDeliveryQueue({
          db,
          secretBox,
          defaults,
          registry,
          breakers,
          commit: (outcome) => outcomeCommitter.submit(outcome),
          clock,
          random: Math.random,
          logger: logger.child({ component: 'delivery' }),
          metrics: options.metrics,
          maxRetryDelayMs: config.max_retry_delay_seconds * 1000,
          onEnqueued: wake,
          onOverrideDisabled: (userId) => recipients.invalidate(userId),
        }),
      },
    });
  }

  let closing: Promise<void> | undefined;
  return {
    services,
    onNotificationsCommitted: () => relay.wake(),
    start() {
      relay.start();
      worker?.start();
    },
    close(timeoutMs) {
      closing ??= (async () => {
        clearInterval(refresh);
        await relay.stop();
        const drained = await worker?.stop({ timeoutMs });
        if (drained?.drained === false) logger.warn('deliveries still sending at shutdown are left to their leases; the next start sends them again (same delivery id)');
        await notificationCommitter.drain();
        await outcomeCommitter.drain();
        await jobBatcher.drain();
        await closeChannels();
      })();
      return closing;
    },
  };
}

/** Each channel's start-up health, in parallel; a check that throws or times out is unhealthy. */
async function checkChannels(registry: ChannelRegistry, logger: Logger): Promise<Record<IntegrationType, ChannelHealth>> {
  const results = await Promise.all(
    integrationTypes.map(async (type): Promise<[IntegrationType, ChannelHealth]> => {
      try {
        return [type, await registry[type].checkHealth(AbortSignal.timeout(HEALTH_TIMEOUT_MS))];
      } catch (thrown) {
        return [type, { configured: true, healthy: false, message: coerceError(thrown).message }];
      }
    }),
  );
  for (const [type, health] of results) {
    if (health.configured) logger.info({ channel: type, healthy: health.healthy, message: health.message }, 'delivery channel health at start');
  }
  return Object.fromEntries(results) as Record<IntegrationType, ChannelHealth>;
}
