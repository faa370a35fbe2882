import type { Logger } from 'pino';
import { isJsonataTruthy } from '../agents/builtin/policy-condition.js';
import type { EventEnvelope } from '../core/event-envelope.js';
import { globMatch } from '../core/glob-match.js';
import { evaluateExpression } from '../runs/evaluate-expression.js';
import { cloudEventJson } from './cloud-event-json.js';
import type { CompiledRoute } from './compiled-route.js';

/** Whether one enabled route matches; a filter that fails or times out is logged and counts as no match. */
async function routeMatches(route: CompiledRoute, envelope: EventEnvelope, event: () => Record<string, unknown>, logger: Logger | undefined): Promise<boolean> {
  if (!route.enabled) return false;
  if (route.match.source !== undefined && !globMatch(route.match.source, envelope.source)) return false;
  if (route.match.type !== undefined && !globMatch(route.match.type, envelope.type)) return false;
  if (route.match.filter === undefined) return true;
  // Under the expression time limit, like every expression of a route: a slow filter cannot stall ingest.
  const result = await evaluateExpression(route.match.filter, event());
  if (result.ok) return isJsonataTruthy(result.value);
  // Never fail ingest over one route's filter: the event still commits, unrouted by this route.
  logger?.warn({ route: route.id, event_id: envelope.id, code: result.failure.code }, `route filter failed to evaluate (${result.failure.message}); treating the route as not matching`);
  return false;
}

/**
 * The ids of the routes `envelope` matches, in the order given: enabled, `match.source` and
 * `match.type` globs match, and `match.filter` (JSONata over the CloudEvents JSON) is truthy.
 */
export async function matchRoutes(routes: readonly CompiledRoute[], envelope: EventEnvelope, options: { readonly logger?: Logger } = {}): Promise<string[]> {
  let event: Record<string, unknown> | undefined;
  const lazyEvent = () => (event ??= cloudEventJson(envelope));
  const matched: string[] = [];
  for (const route of routes) {
    if (await routeMatches(route, envelope, lazyEvent, options.logger)) matched.push(route.id);
  }
  return matched;
}
