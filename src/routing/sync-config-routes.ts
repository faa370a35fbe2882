import type { Kysely } from 'kysely';
import type { Database } from '../store/database.js';
import { deleteConfigRoutesExcept } from '../store/routes/delete-config-routes-except.js';
import { upsertRoute } from '../store/routes/upsert-route.js';
import type { CompiledRoute } from './compiled-route.js';
import { describeRouteProblems } from './route-problem.js';
import { validateRoute, type RouteRegistries } from './validate-route.js';

export type ConfigRoutesSync = { readonly ok: true; readonly routes: readonly CompiledRoute[] } | { readonly ok: false; readonly message: string };

/**
 * Makes the stored config routes equal the config file's `routes`: each is validated (all or
 * nothing: one invalid route changes nothing), upserted with origin 'config', and config routes no
 * longer in the file are deleted, in one transaction. A route of the same id made through the API is replaced.
 */
export async function syncConfigRoutes(db: Kysely<Database>, definitions: readonly unknown[], registries: RouteRegistries, nowMs: number): Promise<ConfigRoutesSync> {
  const compiled: CompiledRoute[] = [];
  for (const [index, definition] of definitions.entries()) {
    const validation = validateRoute(definition, registries);
    const id = typeof (definition as { id?: unknown } | null)?.id === 'string' ? (definition as { id: string }).id : undefined;
    if (!validation.ok) return { ok: false, message: `routes[${index}]: ${describeRouteProblems(id, validation.errors)}` };
    if (compiled.some((route) => route.id === validation.compiled.id)) return { ok: false, message: `routes[${index}]: route id "${validation.compiled.id}" is declared twice` };
    compiled.push(validation.compiled);
  }
  await db.transaction().execute(async (trx) => {
    for (const route of compiled) {
      await upsertRoute(trx, { id: route.id, definition: JSON.stringify(route.definition), origin: 'config', enabled: route.enabled ? 1 : 0, created_at: nowMs, updated_at: nowMs });
    }
    await deleteConfigRoutesExcept(trx, compiled.map((route) => route.id));
  });
  return { ok: true, routes: compiled };
}
