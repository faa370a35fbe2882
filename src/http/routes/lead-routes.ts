import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ApiError } from '../../core/errors/api-error.js';
import { findLead } from '../../store/leads/find-lead.js';
import { listLeads } from '../../store/leads/list-leads.js';
import { requireAdminKey } from '../admin-auth.js';
import type { AppDeps } from '../app-deps.js';
import { leadView } from '../views/lead-view.js';

const security = [{ bearerAuth: [] }];
const tags = ['leads'];
const LeadsQuery = Type.Object({
  user_id: Type.String({ minLength: 1, maxLength: 255, pattern: '^[^\\s/]+$' }),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
});
const LeadParams = Type.Object({ lead_id: Type.String({ minLength: 1, maxLength: 64 }) });

/** Seed 003's leads as the lead flow records them (docs/leads.md): read-only, for the operator's dashboards and checks. */
export async function leadRoutes(parent: FastifyInstance, deps: AppDeps): Promise<void> {
  const app = parent.withTypeProvider<TypeBoxTypeProvider>();
  app.addHook('onRequest', requireAdminKey(deps.adminKey));

  app.get('/api/leads', { schema: { tags, security, summary: "A user's leads, newest first", querystring: LeadsQuery } }, async (request) => {
    const rows = await listLeads(deps.store.db, { userId: request.query.user_id, limit: request.query.limit });
    return { user_id: request.query.user_id, leads: rows.map(leadView) };
  });

  app.get('/api/leads/:lead_id', { schema: { tags, security, summary: 'One lead', params: LeadParams } }, async (request) => {
    const row = await findLead(deps.store.db, { leadId: request.params.lead_id });
    if (row === undefined) throw new ApiError('lead_not_found', `No lead "${request.params.lead_id}".`);
    return leadView(row);
  });
}
