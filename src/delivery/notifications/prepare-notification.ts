import { newId } from '../../core/new-id.js';
import type { NewNotification } from '../../store/notifications/commit-notifications.js';
import type { ChannelRegistry } from '../channels/channel-registry.js';
import { DELIVERIES_QUEUE, DELIVERY_JOB_MAX_CLAIMS, type DeliveryJobPayload } from '../dispatch/delivery-queue.js';
import type { IntegrationType } from '../integration-type.js';
import type { IntegrationDefaults } from '../preferences/integration-defaults.js';
import type { Recipient } from '../recipient.js';
import type { NotificationRequest } from './notification-request.js';
import { planNotification, type SkippedChannel } from './plan-notification.js';

export interface PrepareNotificationDeps {
  /** The users' overrides and profiles (main passes a RecipientCache's `get`). */
  readonly recipients: (userIds: readonly string[]) => Promise<Map<string, Recipient>>;
  readonly defaults: IntegrationDefaults;
  readonly registry: ChannelRegistry;
  /** A delivery not sent this long after creation expires. */
  readonly expireAfterMs: number;
}

/** A notification ready to commit, and what the plan left out. */
export interface PreparedNotification {
  readonly item: NewNotification;
  /** The deliveries it starts with: user, channel and id, in the order they were planned. */
  readonly deliveries: ReadonlyArray<{ readonly delivery_id: string; readonly user_id: string; readonly integration_type: IntegrationType }>;
  readonly skipped: readonly SkippedChannel[];
  /** first_success: each user's channels after the first, tried in order if the first gives up. */
  readonly fallbacks: Readonly<Record<string, readonly IntegrationType[]>>;
}

/**
 * Resolves each recipient's effective configs and builds the notification's rows: one delivery per user
 * and usable channel (`all`) or one per user on their highest-priority channel (`first_success`),
 * each with its job. Writes nothing.
 */
export async function prepareNotification(deps: PrepareNotificationDeps, request: NotificationRequest, nowMs: number): Promise<PreparedNotification> {
  const userIds = [...new Set(request.userIds)];
  const recipients = await deps.recipients(userIds);
  const plans = planNotification({
    recipients: userIds.map((userId) => recipients.get(userId) ?? { userId, overrides: [], profile: undefined }),
    channels: request.channels,
    defaults: deps.defaults.all(),
    registry: deps.registry,
  });
  const notificationId = request.notificationId ?? newId(nowMs);
  const deliveries: Array<PreparedNotification['deliveries'][number]> = [];
  const rows: NewNotification['deliveries'][number][] = [];
  const fallbacks: Record<string, readonly IntegrationType[]> = {};
  // Ids made in one millisecond differ only in random bits: sorted, and handed out in plan order,
  // they list a notification's deliveries by user and priority.
  const sendNow = plans.map((plan) => (request.strategy === 'all' ? plan.channels : plan.channels.slice(0, 1)));
  const ids = Array.from({ length: sendNow.reduce((sum, types) => sum + types.length, 0) }, () => newId(nowMs)).sort();
  for (const [index, plan] of plans.entries()) {
    if (request.strategy === 'first_success' && plan.channels.length > 1) fallbacks[plan.userId] = plan.channels.slice(1);
    for (const [sequence, type] of (sendNow[index] ?? []).entries()) {
      const deliveryId = ids[deliveries.length] as string;
      deliveries.push({ delivery_id: deliveryId, user_id: plan.userId, integration_type: type });
      rows.push(newDeliveryRow({ deliveryId, notificationId, userId: plan.userId, type, sequence, nowMs, expiresAtMs: nowMs + deps.expireAfterMs }));
    }
  }
  const item: NewNotification = {
    notification: {
      id: notificationId,
      idempotency_key: request.idempotencyKey ?? null,
      origin: request.origin,
      run_id: request.runId ?? null,
      user_ids: JSON.stringify(userIds),
      subject: request.subject ?? null,
      body: request.body,
      data: request.data === undefined ? null : JSON.stringify(request.data),
      channels: request.channels === undefined ? null : JSON.stringify(request.channels),
      strategy: request.strategy,
      plan: JSON.stringify(Object.fromEntries(plans.map((plan) => [plan.userId, plan.channels]))),
      created_at: nowMs,
    },
    deliveries: rows,
    jobs: rows.map((row) => deliveryJob(row.delivery_id, nowMs)),
  };
  return { item, deliveries, skipped: plans.flatMap((plan) => plan.skipped), fallbacks };
}

/** A new delivery row, PENDING and due now. */
export function newDeliveryRow(args: {
  readonly deliveryId: string;
  readonly notificationId: string;
  readonly userId: string;
  readonly type: IntegrationType;
  readonly sequence: number;
  readonly nowMs: number;
  readonly expiresAtMs: number;
}): NewNotification['deliveries'][number] {
  return {
    delivery_id: args.deliveryId,
    notification_id: args.notificationId,
    user_id: args.userId,
    integration_type: args.type,
    status: 'PENDING',
    sequence: args.sequence,
    attempts: 0,
    retry_base: 0,
    next_attempt_at: args.nowMs,
    last_status_code: null,
    error_code: null,
    error_message: null,
    provider_message_id: null,
    progress: null,
    created_at: args.nowMs,
    updated_at: args.nowMs,
    finished_at: null,
    expires_at: args.expiresAtMs,
  };
}

/** The job that sends a delivery, due at `runAtMs`. */
export function deliveryJob(deliveryId: string, runAtMs: number): NewNotification['jobs'][number] {
  const payload: DeliveryJobPayload = { delivery_id: deliveryId };
  return { queue: DELIVERIES_QUEUE, payload, maxAttempts: DELIVERY_JOB_MAX_CLAIMS, runAtMs };
}
