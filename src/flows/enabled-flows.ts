import type { FlowsConfig } from '../config/flows-config-schema.js';
import type { EndpointRegistration } from '../ingress/webhooks/endpoint-registration.js';
import { chainsyncFlow } from './chainsync-flow.js';
import { leadsFlow } from './leads-flow.js';
import type { FlowDefinition } from './flow-definition.js';

/** Every enabled flow's endpoints and routes, to install with the file's own; or the first problem. */
export function enabledFlows(flows: FlowsConfig):
  | { readonly ok: true; readonly endpoints: readonly EndpointRegistration[]; readonly routes: readonly Record<string, unknown>[] }
  | { readonly ok: false; readonly message: string } {
  const definitions: FlowDefinition[] = [];
  if (flows.chainsync.enabled) definitions.push(chainsyncFlow(flows.chainsync));
  if (flows.leads.enabled) definitions.push(leadsFlow(flows.leads));
  const endpoints: EndpointRegistration[] = [];
  const routes: Record<string, unknown>[] = [];
  for (const definition of definitions) {
    if (definition.problem !== undefined) return { ok: false, message: definition.problem };
    endpoints.push(...definition.endpoints);
    routes.push(...definition.routes);
  }
  return { ok: true, endpoints, routes };
}
