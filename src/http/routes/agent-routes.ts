import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../app-deps.js';

/** `GET /agents/list` (seed 000, public): every agent a route step can name, with its description and JSON schemas. */
export async function agentRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  app.get('/agents/list', { schema: { tags: ['agents'], summary: 'List every agent with its description and input/output schemas' } }, async () => {
    const agents = deps.agents.listAgents();
    return { agents, total: agents.length };
  });
}
