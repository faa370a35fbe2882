import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { ApiError } from '../../core/errors/api-error.js';
import type { NotificationResult } from '../../delivery/notifications/create-notification.js';
import { findNotification } from '../../store/notifications/find-notification.js';
import { listDeliveries } from '../../store/deliveries/list-deliveries.js';
import { requireAdminKey } from '../admin-auth.js';
import type { AppDeps } from '../app-deps.js';
import { NotificationBody, NotificationIdParams } from '../schemas/delivery-schemas.js';
import { deliveryView } from '../views/delivery-view.js';
import { integrationTypeOrThrow } from './integration-routes.js';

const security = [{ bearerAuth: [] }];
const tags = ['notifications'];

function resultView(result: NotificationResult) {
  return {
    notification_id: result.notificationId,
    status: result.status === 'created' ? 'accepted' : 'duplicate',
    delivery_ids: result.deliveries.map((d) => d.delivery_id),
    deliveries: result.deliveries,
    skipped: result.skipped,
    fallbacks: result.fallbacks,
  };
}

/**
 * `POST /api/v1/notifications`: one delivery per recipient and enabled channel (or, with
 * `first_success`, one per recipient on the highest-priority channel, failing over by priority),
 * committed with their jobs before the 202. The same `idempotency_key` (or `Idempotency-Key` header)
 * never creates deliveries twice: the repeat gets 200 and the original's deliveries.
 */
export async function notificationRoutes(parent: FastifyInstance, deps: AppDeps): Promise<void> {
  const app = parent.withTypeProvider<TypeBoxTypeProvider>();
  app.addHook('onRequest', requireAdminKey(deps.adminKey));

  app.post('/api/v1/notifications', { schema: { tags, security, summary: 'Notify users on their channels', body: NotificationBody } }, async (request, reply) => {
    const { body } = request;
    const userIds = [...(body.user_id === undefined ? [] : [body.user_id]), ...(body.user_ids ?? [])];
    if (userIds.length === 0) throw new ApiError('notification_invalid', 'Give the recipients as user_id or user_ids.', [{ path: 'user_ids', message: 'at least one user id is required' }]);
    const header = request.headers['idempotency-key'];
    const headerKey = typeof header === 'string' && header !== '' ? header : undefined;
    if (headerKey !== undefined && body.idempotency_key !== undefined && headerKey !== body.idempotency_key) {
      throw new ApiError('notification_invalid', 'The Idempotency-Key header and idempotency_key differ.', [{ path: 'idempotency_key', message: 'must equal the Idempotency-Key header' }]);
    }
    if (headerKey !== undefined && headerKey.length > 255) throw new ApiError('notification_invalid', 'The Idempotency-Key header is longer than 255 characters.');
    const result = await deps.delivery.notify({
      userIds,
      subject: body.subject,
      body: body.body,
      data: body.data,
      channels: body.channels === undefined ? undefined : [...new Set(body.channels.map(integrationTypeOrThrow))],
      strategy: body.strategy ?? 'all',
      idempotencyKey: body.idempotency_key ?? headerKey,
      origin: 'api',
    });
    return reply.status(result.status === 'created' ? 202 : 200).send(resultView(result));
  });

  app.get('/api/v1/notifications/:id', { schema: { tags, security, summary: 'A notification with its deliveries', params: NotificationIdParams } }, async (request) => {
    const notification = await findNotification(deps.store.db, { id: request.params.id });
    if (notification === undefined) throw new ApiError('notification_not_found', `No notification "${request.params.id}".`);
    const deliveries = await listDeliveries(deps.store.db, { notificationId: notification.id, limit: 10_000 });
    return {
      notification_id: notification.id,
      origin: notification.origin,
      run_id: notification.run_id,
      idempotency_key: notification.idempotency_key,
      user_ids: JSON.parse(notification.user_ids) as string[],
      subject: notification.subject,
      body: notification.body,
      data: notification.data === null ? null : (JSON.parse(notification.data) as unknown),
      channels: notification.channels === null ? null : (JSON.parse(notification.channels) as string[]),
      strategy: notification.strategy,
      plan: JSON.parse(notification.plan) as Record<string, string[]>,
      created_at: new Date(Number(notification.created_at)).toISOString(),
      deliveries: deliveries.reverse().map(deliveryView),
    };
  });
}
