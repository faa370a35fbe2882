import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { ApiError } from '../../core/errors/api-error.js';
import type { CompiledRoute } from '../../routing/compiled-route.js';
import { describeRouteProblems, type RouteProblem } from '../../routing/route-problem.js';
import { deleteRoute } from '../../store/routes/delete-route.js';
import { findRoute } from '../../store/routes/find-route.js';
import { insertRoute } from '../../store/routes/insert-route.js';
import { listRoutes } from '../../store/routes/list-routes.js';
import { replaceRoute } from '../../store/routes/replace-route.js';
import { requireAdminKey } from '../admin-auth.js';
import type { AppDeps } from '../app-deps.js';
import { RouteIdParams } from '../schemas/route-schemas.js';
import { routeView } from '../views/route-view.js';

const security = [{ bearerAuth: [] }];
const tags = ['routes'];

function routeInvalid(routeId: string | undefined, problems: readonly RouteProblem[]): ApiError {
  return new ApiError('route_invalid', describeRouteProblems(routeId, problems), problems.map(({ path, message }) => ({ path, message })));
}

/** The id a body declares, when it declares one as a string. */
function declaredId(body: unknown): string | undefined {
  const id = typeof body === 'object' && body !== null ? (body as { id?: unknown }).id : undefined;
  return typeof id === 'string' ? id : undefined;
}

const notFound = (id: string) => new ApiError('route_definition_not_found', `No route "${id}".`);

/**
 * Managing routes. Bodies are not schema-checked by Fastify: route validation reports every problem
 * as `route_invalid` with paths like `steps[2].with.alert`. Every change is written to the store
 * first, then the route table reloads, so a 2xx means the next matched event sees the change.
 */
export async function routeRoutes(parent: FastifyInstance, deps: AppDeps): Promise<void> {
  const app = parent.withTypeProvider<TypeBoxTypeProvider>();
  app.addHook('onRequest', requireAdminKey(deps.adminKey));

  const validOrThrow = (body: unknown): CompiledRoute => {
    const validation = deps.routeTable.validate(body);
    if (!validation.ok) throw routeInvalid(declaredId(body), validation.errors);
    return validation.compiled;
  };

  app.post('/api/v1/routes', { schema: { tags, security, summary: 'Create a route (422 route_invalid says which step and why)' } }, async (request, reply) => {
    const route = validOrThrow(request.body);
    const nowMs = deps.clock.nowMs();
    const row = { id: route.id, definition: JSON.stringify(route.definition), origin: 'api' as const, enabled: route.enabled ? 1 : 0, created_at: nowMs, updated_at: nowMs };
    if (!(await insertRoute(deps.store.db, row))) throw new ApiError('route_exists', `A route "${route.id}" already exists; PUT /api/v1/routes/${route.id} replaces it.`);
    await deps.routeTable.reload();
    return reply.status(201).send(routeView(row));
  });

  app.get('/api/v1/routes', { schema: { tags, security, summary: 'List routes in id order' } }, async () => ({
    routes: (await listRoutes(deps.store.db)).map(routeView),
  }));

  app.get('/api/v1/routes/:id', { schema: { tags, security, summary: 'Get one route', params: RouteIdParams } }, async (request) => {
    const row = await findRoute(deps.store.db, request.params.id);
    if (row === undefined) throw notFound(request.params.id);
    return routeView(row);
  });

  app.put(
    '/api/v1/routes/:id',
    { schema: { tags, security, summary: 'Replace a route (the body may omit id; if given it must equal the URL\'s)', params: RouteIdParams } },
    async (request) => {
      const { id } = request.params;
      const body: unknown = request.body;
      const given = declaredId(body);
      if (given !== undefined && given !== id) throw routeInvalid(id, [{ path: 'id', message: `must equal the id in the URL ("${id}")` }]);
      const route = validOrThrow(typeof body === 'object' && body !== null && !Array.isArray(body) ? { ...body, id } : body);
      const replaced = await replaceRoute(deps.store.db, { id, definition: JSON.stringify(route.definition), enabled: route.enabled ? 1 : 0, updatedAt: deps.clock.nowMs() });
      if (!replaced) throw notFound(id);
      await deps.routeTable.reload();
      const row = await findRoute(deps.store.db, id);
      if (row === undefined) throw notFound(id);
      return routeView(row);
    },
  );

  app.delete('/api/v1/routes/:id', { schema: { tags, security, summary: 'Delete a route', params: RouteIdParams } }, async (request) => {
    if (!(await deleteRoute(deps.store.db, request.params.id))) throw notFound(request.params.id);
    await deps.routeTable.reload();
    return { id: request.params.id, deleted: true };
  });
}
