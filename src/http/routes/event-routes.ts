import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { ApiError } from '../../core/errors/api-error.js';
import { findEvent } from '../../store/events/find-event.js';
import { listEvents } from '../../store/events/list-events.js';
import { requireAdminKey } from '../admin-auth.js';
import type { AppDeps } from '../app-deps.js';
import { DEFAULT_PAGE_LIMIT, decodeCursor, encodeCursor } from '../cursor.js';
import { EventIdParams, ListEventsQuery } from '../schemas/event-schemas.js';
import { eventView } from '../views/event-view.js';

const security = [{ bearerAuth: [] }];
const tags = ['events'];

/** Reading the event log: newest first with cursor pagination, and one event by id. */
export async function eventRoutes(parent: FastifyInstance, deps: AppDeps): Promise<void> {
  const app = parent.withTypeProvider<TypeBoxTypeProvider>();
  app.addHook('onRequest', requireAdminKey(deps.adminKey));

  app.get('/api/v1/events', { schema: { tags, security, summary: 'List events, newest first', querystring: ListEventsQuery } }, async (request) => {
    const { query } = request;
    const limit = query.limit ?? DEFAULT_PAGE_LIMIT;
    const rows = await listEvents(deps.store.db, {
      source: query.source,
      type: query.type,
      routed: query.routed,
      sinceMs: query.since === undefined ? undefined : Date.parse(query.since),
      untilMs: query.until === undefined ? undefined : Date.parse(query.until),
      beforeId: decodeCursor(query.cursor),
      limit: limit + 1,
    });
    const page = rows.slice(0, limit);
    return {
      events: page.map(eventView),
      next_cursor: rows.length > limit ? encodeCursor((page[page.length - 1] as { id: string }).id) : null,
    };
  });

  app.get('/api/v1/events/:id', { schema: { tags, security, summary: 'Get one event', params: EventIdParams } }, async (request) => {
    const row = await findEvent(deps.store.db, request.params.id);
    if (row === undefined) throw new ApiError('event_not_found', `No event "${request.params.id}".`);
    return eventView(row);
  });
}
