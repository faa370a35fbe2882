import type { Logger } from 'pino';
import type { Clock } from '../../core/clock.js';
import { coerceError } from '../../core/coerce-error.js';
import { newId } from '../../core/new-id.js';
import type { SecretBox } from '../../crypto/secret-box.js';
import type { ClaimedJob, JobContext, QueueRegistration } from '../../queue/job-handler.js';
import type { Db } from '../../store/database.js';
import type { DeliveryChange, DeliveryCommitResult, DeliveryOutcome } from '../../store/deliveries/commit-delivery-outcomes.js';
import { loadDeliveriesForSend, type DeliveryForSend } from '../../store/deliveries/load-deliveries-for-send.js';
import type { OutboundMessage, SendOutcome } from '../channels/channel.js';
import type { ChannelRegistry } from '../channels/channel-registry.js';
import { parseIntegrationType, type IntegrationType } from '../integration-type.js';
import { deliveryJob, newDeliveryRow } from '../notifications/prepare-notification.js';
import { channelTarget } from '../preferences/channel-target.js';
import type { IntegrationDefaults } from '../preferences/integration-defaults.js';
import { loadRecipients } from '../preferences/load-recipients.js';
import { resolveEffectiveConfig, type EffectiveConfig } from '../preferences/resolve-effective-config.js';
import type { Recipient } from '../recipient.js';
import type { DeliveryJobPayload } from './delivery-queue.js';
import type { DeliveryMetrics } from './delivery-metrics.js';
import { deliveryRetryDelayMs } from './delivery-retry-delay.js';
import type { DestinationBreakers } from './destination-breakers.js';

export interface DeliveryDispatcherDeps {
  readonly db: Db;
  readonly secretBox: SecretBox;
  readonly defaults: IntegrationDefaults;
  readonly registry: ChannelRegistry;
  readonly breakers: DestinationBreakers;
  /** Commits one outcome (main groups many into one transaction). */
  readonly commit: (outcome: DeliveryOutcome) => Promise<DeliveryCommitResult>;
  readonly clock: Clock;
  /** [0, 1), for retry jitter. */
  readonly random: () => number;
  readonly logger: Logger;
  readonly metrics: DeliveryMetrics;
  /** No wait between attempts exceeds this (a provider's Retry-After still wins, up to the delivery's expiry). */
  readonly maxRetryDelayMs: number;
  /** Called after a commit that created a failover delivery, so this process's worker claims it at once. */
  readonly onEnqueued?: () => void;
  /** Called after a commit that switched a user's channel off (a 410 Gone). */
  readonly onOverrideDisabled?: (userId: string) => void;
}

/** What a job needs: the delivery with its notification, and the recipient's overrides and profile. */
interface Loaded {
  readonly send: DeliveryForSend;
  readonly recipient: Recipient;
}

const isOpen = (status: string): boolean => status === 'PENDING' || status === 'RETRYING';

/**
 * The `deliveries` queue: one job per delivery. Each attempt re-resolves the user's effective config
 * (so a channel the user disabled meanwhile is never sent on, whatever created the delivery), sends
 * through the destination's circuit breaker, and commits the attempt, the delivery's new status and
 * the job's settlement together under the job's claim.
 */
export function createDeliveryQueue(deps: DeliveryDispatcherDeps): QueueRegistration {
  return {
    // The handler settles every job itself; the worker's policy only applies to a handler that throws.
    policy: { maxAttempts: 1_000, baseDelayMs: 1_000, maxDelayMs: 60_000 },
    async prefetch(jobs) {
      const loaded = await loadForJobs(deps, jobs);
      return loaded;
    },
    async handler(job, context) {
      const deliveryId = (job.payload as Partial<DeliveryJobPayload> | null)?.delivery_id;
      if (typeof deliveryId !== 'string') return { kind: 'failed', code: 'payload_invalid', message: 'A deliveries job needs {delivery_id}' };
      const loaded = (context.prefetched as Loaded | undefined) ?? (await loadForJobs(deps, [job])).get(job.id);
      // Deleted, or already final (a duplicate job): nothing to send; the worker completes the job.
      if (loaded === undefined || !isOpen(loaded.send.delivery.status)) return undefined;
      return attemptDelivery(deps, loaded, context);
    },
  };
}

async function loadForJobs(deps: DeliveryDispatcherDeps, jobs: readonly ClaimedJob[]): Promise<Map<string, Loaded>> {
  const ids = jobs.map((job) => (job.payload as Partial<DeliveryJobPayload> | null)?.delivery_id).filter((id): id is string => typeof id === 'string');
  const deliveries = await loadDeliveriesForSend(deps.db, ids);
  const recipients = await loadRecipients(deps.db, deps.secretBox, [...new Set([...deliveries.values()].map((d) => d.delivery.user_id))]);
  const byJob = new Map<string, Loaded>();
  for (const job of jobs) {
    const send = deliveries.get((job.payload as Partial<DeliveryJobPayload> | null)?.delivery_id ?? '');
    const recipient = send === undefined ? undefined : recipients.get(send.delivery.user_id);
    if (send !== undefined && recipient !== undefined) byJob.set(job.id, { send, recipient });
  }
  return byJob;
}

function effectiveFor(deps: DeliveryDispatcherDeps, recipient: Recipient, type: IntegrationType): EffectiveConfig {
  return resolveEffectiveConfig(deps.defaults.all()[type], recipient.overrides.find((o) => o.integration_type === type));
}

async function attemptDelivery(deps: DeliveryDispatcherDeps, loaded: Loaded, context: JobContext): Promise<'settled'> {
  const { delivery, notification } = loaded.send;
  const nowMs = deps.clock.nowMs();
  const type = parseIntegrationType(delivery.integration_type);
  const base = { claim: context.claim, deliveryId: delivery.delivery_id, expectedAttempts: Number(delivery.attempts), nowMs };
  const settle = (outcome: DeliveryOutcome) => commitOutcome(deps, outcome, delivery.integration_type);
  const finish = (status: 'FAILED' | 'EXPIRED', code: string, message: string, extra: Partial<DeliveryOutcome> = {}) =>
    settle({ ...base, change: unchanged(delivery, nowMs, { status, error_code: code, error_message: message, finished_at: nowMs, next_attempt_at: null }), job: { outcome: 'completed' }, ...extra });

  if (type === undefined) return finish('FAILED', 'channel_unknown', `no channel ${delivery.integration_type}`);
  if (nowMs >= Number(delivery.expires_at)) return finish('EXPIRED', 'expired', 'the delivery expired before it could be sent');

  const effective = effectiveFor(deps, loaded.recipient, type);
  if (!effective.enabled) {
    const failover = planFailover(deps, loaded, nowMs);
    return finish('FAILED', 'channel_disabled', `${type} is disabled for user ${delivery.user_id}${failoverNote(failover)}`, { failover });
  }
  const channel = deps.registry[type];
  const destination = channel.resolveDestination(channelTarget(loaded.recipient, effective));
  if (!destination.ok) {
    const failover = planFailover(deps, loaded, nowMs);
    return finish('FAILED', destination.code, `${destination.message}${failoverNote(failover)}`, { failover });
  }

  const key = channel.breakerKey(destination.destination);
  const attempt = Number(delivery.attempts) + 1;
  const message: OutboundMessage = {
    deliveryId: delivery.delivery_id,
    notificationId: notification.id,
    userId: delivery.user_id,
    subject: notification.subject ?? undefined,
    body: notification.body,
    data: notification.data === null ? undefined : (JSON.parse(notification.data) as unknown),
    createdAtMs: Number(notification.created_at),
    attempt,
    progress: delivery.progress === null ? undefined : (JSON.parse(delivery.progress) as unknown),
  };
  const logger = deps.logger.child({ delivery_id: delivery.delivery_id, channel: type });
  const started = performance.now();
  const outcome = await deps.breakers.execute(key, async (): Promise<SendOutcome> => {
    try {
      return await channel.send(message, destination.destination, { signal: context.signal, nowMs, logger });
    } catch (thrown) {
      // A channel throws only for bugs; record it as a retryable failure rather than lose the attempt.
      const error = coerceError(thrown);
      logger.error({ err: error }, 'delivery channel threw');
      return { kind: 'failed', retryable: true, code: 'channel_error', message: error.message };
    }
  });
  const latencyMs = Math.round(performance.now() - started);
  const doneMs = deps.clock.nowMs();
  deps.metrics.recordAttempt(type, outcome.kind, latencyMs / 1000);

  if (outcome.kind === 'held') {
    const failover = notification.strategy === 'first_success' ? planFailover(deps, loaded, doneMs) : undefined;
    const why = `circuit breaker open for ${key}`;
    if (failover !== undefined) return finish('FAILED', 'circuit_open', `${why}${failoverNote(failover)}`, { failover });
    // Held: no attempt is made or counted; the job comes back when the breaker lets a trial through.
    return settle({
      ...base,
      change: unchanged(delivery, doneMs, { error_code: 'circuit_open', error_message: `${why}; held until it half-opens`, next_attempt_at: outcome.retryAtMs }),
      job: { outcome: 'retry', runAtMs: outcome.retryAtMs, error: { code: 'circuit_open', message: why } },
    });
  }

  const attemptRow = {
    delivery_id: delivery.delivery_id,
    attempt,
    started_at: nowMs,
    latency_ms: latencyMs,
    outcome: outcome.kind,
    status_code: outcome.statusCode ?? null,
    error_code: outcome.kind === 'failed' ? outcome.code : null,
    error_message: outcome.kind === 'failed' ? outcome.message : null,
    provider_message_id: outcome.providerMessageId ?? null,
  };
  const attempted = (fields: Partial<DeliveryChange>): DeliveryChange =>
    unchanged(delivery, doneMs, {
      attempts: attempt,
      last_status_code: outcome.statusCode ?? null,
      provider_message_id: outcome.providerMessageId ?? delivery.provider_message_id,
      ...fields,
    });

  if (outcome.kind === 'sent') {
    return settle({
      ...base,
      attempt: attemptRow,
      change: attempted({ status: 'SUCCESS', error_code: null, error_message: null, next_attempt_at: null, finished_at: doneMs, progress: null }),
      job: { outcome: 'completed' },
    });
  }

  const progress = outcome.progress === undefined ? delivery.progress : JSON.stringify(outcome.progress);
  const disableOverride = outcome.disableChannel === true ? { id: newId(doneMs), userId: delivery.user_id, integrationType: type } : undefined;
  const used = attempt - Number(delivery.retry_base);
  const exhausted = used >= effective.retry_count + 1;
  if (!outcome.retryable || exhausted) {
    const failover = planFailover(deps, loaded, doneMs);
    const why = outcome.retryable ? `${outcome.message} (gave up after ${used} attempt${used === 1 ? '' : 's'})` : outcome.message;
    return settle({
      ...base,
      attempt: attemptRow,
      change: attempted({ status: 'FAILED', error_code: outcome.code, error_message: `${why}${failoverNote(failover)}`, next_attempt_at: null, finished_at: doneMs, progress }),
      job: { outcome: 'completed' },
      failover,
      disableOverride,
    });
  }

  const backoff = deliveryRetryDelayMs({ failedAttempts: used, retryDelaySeconds: effective.retry_delay_seconds, maxDelayMs: deps.maxRetryDelayMs }, deps.random);
  const nextAtMs = doneMs + Math.max(backoff, outcome.retryAfterMs ?? 0);
  if (nextAtMs >= Number(delivery.expires_at)) {
    return settle({
      ...base,
      attempt: attemptRow,
      change: attempted({ status: 'EXPIRED', error_code: outcome.code, error_message: `${outcome.message} (the next attempt would come after the delivery expires)`, next_attempt_at: null, finished_at: doneMs, progress }),
      job: { outcome: 'completed' },
      disableOverride,
    });
  }
  return settle({
    ...base,
    attempt: attemptRow,
    change: attempted({ status: 'RETRYING', error_code: outcome.code, error_message: outcome.message, next_attempt_at: nextAtMs, progress }),
    job: { outcome: 'retry', runAtMs: nextAtMs, error: { code: outcome.code, message: outcome.message } },
    disableOverride,
  });
}

/** The delivery's current columns with `fields` over them. */
function unchanged(delivery: DeliveryForSend['delivery'], nowMs: number, fields: Partial<DeliveryChange>): DeliveryChange {
  return {
    status: delivery.status,
    attempts: Number(delivery.attempts),
    next_attempt_at: delivery.next_attempt_at,
    last_status_code: delivery.last_status_code,
    error_code: delivery.error_code,
    error_message: delivery.error_message,
    provider_message_id: delivery.provider_message_id,
    progress: delivery.progress,
    finished_at: delivery.finished_at,
    ...fields,
    updated_at: nowMs,
  };
}

/**
 * first_success: the next channel in the user's plan that is still enabled and has a destination,
 * as a new delivery due now; undefined for `all`, or when no channel is left.
 */
function planFailover(deps: DeliveryDispatcherDeps, loaded: Loaded, nowMs: number): DeliveryOutcome['failover'] {
  const { delivery, notification } = loaded.send;
  if (notification.strategy !== 'first_success') return undefined;
  const plan = (JSON.parse(notification.plan) as Record<string, string[] | undefined>)[delivery.user_id] ?? [];
  for (let sequence = Number(delivery.sequence) + 1; sequence < plan.length; sequence += 1) {
    const type = parseIntegrationType(plan[sequence] ?? '');
    if (type === undefined) continue;
    const effective = effectiveFor(deps, loaded.recipient, type);
    if (!effective.enabled || !deps.registry[type].resolveDestination(channelTarget(loaded.recipient, effective)).ok) continue;
    const deliveryId = newId(nowMs);
    return {
      delivery: newDeliveryRow({ deliveryId, notificationId: notification.id, userId: delivery.user_id, type, sequence, nowMs, expiresAtMs: Number(delivery.expires_at) }),
      job: deliveryJob(deliveryId, nowMs),
    };
  }
  return undefined;
}

function failoverNote(failover: DeliveryOutcome['failover']): string {
  return failover === undefined ? '' : `; failed over to ${failover.delivery.integration_type} (delivery ${failover.delivery.delivery_id})`;
}

async function commitOutcome(deps: DeliveryDispatcherDeps, outcome: DeliveryOutcome, channel: string): Promise<'settled'> {
  const result = await deps.commit(outcome);
  if (result === 'committed') {
    const status = outcome.change.status;
    if (status === 'SUCCESS' || status === 'FAILED' || status === 'EXPIRED') deps.metrics.recordFinal(channel, status);
    if (outcome.failover !== undefined) deps.onEnqueued?.();
    if (outcome.disableOverride !== undefined) deps.onOverrideDisabled?.(outcome.disableOverride.userId);
  } else {
    deps.logger.info({ delivery_id: outcome.deliveryId, result }, result === 'lost_claim' ? 'delivery job claim lost; its new holder records the attempt' : 'delivery changed meanwhile; outcome not recorded');
  }
  return 'settled';
}
