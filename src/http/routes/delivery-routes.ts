import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { ApiError } from '../../core/errors/api-error.js';
import { deliveryJob } from '../../delivery/notifications/prepare-notification.js';
import type { DeliveryStatus } from '../../store/database.js';
import { findDelivery } from '../../store/deliveries/find-delivery.js';
import { listDeliveries } from '../../store/deliveries/list-deliveries.js';
import { retryDeliveries, retryableStatuses } from '../../store/deliveries/retry-deliveries.js';
import { listTestDeliveries } from '../../store/test-deliveries/list-test-deliveries.js';
import { requireAdminKey } from '../admin-auth.js';
import type { AppDeps } from '../app-deps.js';
import { DEFAULT_PAGE_LIMIT, decodeCursor, encodeCursor } from '../cursor.js';
import { BulkRetryBody, DeliveryIdParams, ListDeliveriesQuery, ListTestDeliveriesQuery, UserDeliveriesQuery, UserIdParams } from '../schemas/delivery-schemas.js';
import { deliveryDetailView, deliveryView, testDeliveryView } from '../views/delivery-view.js';
import { integrationTypeOrThrow } from './integration-routes.js';

const security = [{ bearerAuth: [] }];
const tags = ['deliveries'];

const statuses: readonly DeliveryStatus[] = ['PENDING', 'RETRYING', 'SUCCESS', 'FAILED', 'EXPIRED'];

function statusOrThrow(text: string | undefined, path: string): DeliveryStatus | undefined {
  if (text === undefined) return undefined;
  const upper = text.toUpperCase() as DeliveryStatus;
  if (!statuses.includes(upper)) throw new ApiError('validation_failed', `Invalid ${path}: must be one of ${statuses.join(', ')}.`, [{ path, message: `must be one of ${statuses.join(', ')}` }]);
  return upper;
}

const notFound = (id: string) => new ApiError('delivery_not_found', `No delivery "${id}".`);

/** The delivery history (seed 001's delivery_logs, every attempt), retries, and the TEST channel's inbox. */
export async function deliveryRoutes(parent: FastifyInstance, deps: AppDeps): Promise<void> {
  const app = parent.withTypeProvider<TypeBoxTypeProvider>();
  app.addHook('onRequest', requireAdminKey(deps.adminKey));
  const { db } = deps.store;

  app.get('/api/v1/deliveries', { schema: { tags, security, summary: 'List deliveries, newest first', querystring: ListDeliveriesQuery } }, async (request) => {
    const { query } = request;
    const limit = query.limit ?? DEFAULT_PAGE_LIMIT;
    const rows = await listDeliveries(db, {
      status: statusOrThrow(query.status, 'status'),
      integrationType: query.channel === undefined ? undefined : integrationTypeOrThrow(query.channel),
      userId: query.user_id,
      notificationId: query.notification_id,
      beforeId: decodeCursor(query.cursor),
      limit: limit + 1,
    });
    const page = rows.slice(0, limit);
    return { deliveries: page.map(deliveryView), next_cursor: rows.length > limit ? encodeCursor((page[page.length - 1] as { delivery_id: string }).delivery_id) : null };
  });

  app.get(
    '/api/v1/users/:user_id/deliveries',
    { schema: { tags, security, summary: "A user's delivery history, newest first (seed 001: limit and offset)", params: UserIdParams, querystring: UserDeliveriesQuery } },
    async (request) => {
      const rows = await listDeliveries(db, { userId: request.params.user_id, limit: request.query.limit ?? 20, offset: request.query.offset ?? 0 });
      return rows.map(deliveryView);
    },
  );

  app.get('/api/v1/deliveries/:id', { schema: { tags, security, summary: 'One delivery with every attempt', params: DeliveryIdParams } }, async (request) => {
    const found = await findDelivery(db, request.params.id);
    if (found === undefined) throw notFound(request.params.id);
    return deliveryDetailView(found.delivery, found.attempts);
  });

  app.post(
    '/api/v1/deliveries/:id/retry',
    { schema: { tags, security, summary: 'Retry a FAILED or EXPIRED delivery with a fresh retry budget (409 otherwise)', params: DeliveryIdParams } },
    async (request, reply) => {
      const { id } = request.params;
      const nowMs = deps.clock.nowMs();
      const retried = await db.transaction().execute((trx) =>
        retryDeliveries(trx, { select: { ids: [id] }, expireAfterMs: deps.delivery.expireAfterMs, job: (deliveryId) => deliveryJob(deliveryId, nowMs), nowMs }),
      );
      const found = await findDelivery(db, id);
      if (found === undefined) throw notFound(id);
      if (retried.length === 0) throw new ApiError('delivery_not_retryable', `Delivery "${id}" is ${found.delivery.status}; only a FAILED or EXPIRED delivery can be retried.`);
      deps.delivery.wake();
      return reply.status(202).send(deliveryDetailView(found.delivery, found.attempts));
    },
  );

  app.post(
    '/api/v1/deliveries/retry',
    {
      schema: { tags, security, summary: 'Retry FAILED and EXPIRED deliveries in bulk, by ids or by filter (no body: every one, up to 100)', body: BulkRetryBody },
      // No body at all means no filter, like `{}`.
      preValidation: async (request) => {
        request.body ??= {};
      },
    },
    async (request, reply) => {
      const { body } = request;
      const status = statusOrThrow(body.status, 'status');
      if (status !== undefined && !retryableStatuses.includes(status)) {
        throw new ApiError('delivery_not_retryable', `Only ${retryableStatuses.join(' and ')} deliveries can be retried, not ${status}.`);
      }
      const nowMs = deps.clock.nowMs();
      const select =
        body.delivery_ids !== undefined
          ? { ids: body.delivery_ids }
          : {
              filter: {
                status,
                integrationType: body.channel === undefined ? undefined : integrationTypeOrThrow(body.channel),
                userId: body.user_id,
                notificationId: body.notification_id,
                createdFromMs: body.created_after === undefined ? undefined : Date.parse(body.created_after),
                createdBeforeMs: body.created_before === undefined ? undefined : Date.parse(body.created_before),
              },
              limit: body.limit ?? 100,
            };
      const retried = await db.transaction().execute((trx) =>
        retryDeliveries(trx, { select, expireAfterMs: deps.delivery.expireAfterMs, job: (deliveryId) => deliveryJob(deliveryId, nowMs), nowMs }),
      );
      if (retried.length > 0) deps.delivery.wake();
      return reply.status(202).send({ retried: retried.length, delivery_ids: retried });
    },
  );

  app.get('/api/v1/test-deliveries', { schema: { tags, security, summary: 'What the TEST channel received, newest first', querystring: ListTestDeliveriesQuery } }, async (request) => {
    const { query } = request;
    const limit = query.limit ?? DEFAULT_PAGE_LIMIT;
    const rows = await listTestDeliveries(db, { userId: query.user_id, beforeId: decodeCursor(query.cursor), limit: limit + 1 });
    const page = rows.slice(0, limit);
    return { test_deliveries: page.map(testDeliveryView), next_cursor: rows.length > limit ? encodeCursor((page[page.length - 1] as { delivery_id: string }).delivery_id) : null };
  });
}
