import type { Logger } from 'pino';
import type { EventEnvelope } from '../core/event-envelope.js';
import type { Db } from '../store/database.js';
import { listRoutes } from '../store/routes/list-routes.js';
import { routesFingerprint } from '../store/routes/routes-fingerprint.js';
import type { CompiledRoute } from './compiled-route.js';
import { matchRoutes } from './match-routes.js';
import { describeRouteProblems } from './route-problem.js';
import { validateRoute, type RouteRegistries, type RouteValidation } from './validate-route.js';

/** The compiled routes of this process, refreshed from the store after every change made through it. */
export interface RouteTable {
  /** Validates and compiles a definition against this table's agents and actions. */
  validate(definition: unknown): RouteValidation;
  /** Re-reads every route from the store and recompiles it; a stored route that no longer validates is logged and left out. */
  reload(): Promise<void>;
  /**
   * Reloads only when the routes table changed since the last load (another process wrote it);
   * resolves true when it reloaded. Called on an interval so every process sees API changes.
   */
  refresh(): Promise<boolean>;
  /** Every loaded route, enabled or not, in id order. */
  list(): readonly CompiledRoute[];
  get(id: string): CompiledRoute | undefined;
  /** The routes `envelope` matches, in id order: a snapshot the caller can run even if the table reloads meanwhile. */
  match(envelope: EventEnvelope): Promise<CompiledRoute[]>;
}

export function createRouteTable(deps: { readonly db: Db; readonly registries: RouteRegistries; readonly logger: Logger }): RouteTable {
  let routes: readonly CompiledRoute[] = [];
  let byId = new Map<string, CompiledRoute>();
  // Reloads may overlap (two API writes in a row); only the one started last may install its result.
  let generation = 0;
  let loadedFingerprint: string | undefined;

  const reload = async () => {
    const mine = ++generation;
    // Read the fingerprint first: a change landing during the reload makes the next refresh reload again.
    const fingerprint = await routesFingerprint(deps.db);
    const rows = await listRoutes(deps.db);
    const compiled: CompiledRoute[] = [];
    for (const row of rows) {
      const validation = validateRoute(JSON.parse(row.definition) as unknown, deps.registries);
      if (validation.ok) compiled.push(validation.compiled);
      else deps.logger.error({ route: row.id, problems: validation.errors }, `stored route no longer validates and is not loaded: ${describeRouteProblems(row.id, validation.errors)}`);
    }
    if (mine !== generation) return;
    routes = compiled;
    byId = new Map(compiled.map((route) => [route.id, route]));
    loadedFingerprint = fingerprint;
  };

  return {
    validate: (definition) => validateRoute(definition, deps.registries),
    reload,
    async refresh() {
      if ((await routesFingerprint(deps.db)) === loadedFingerprint) return false;
      await reload();
      return true;
    },
    list: () => routes,
    get: (id) => byId.get(id),
    async match(envelope) {
      const snapshot = byId;
      const ids = await matchRoutes(routes, envelope, { logger: deps.logger });
      return ids.map((id) => snapshot.get(id) as CompiledRoute);
    },
  };
}
