import type { Selectable } from 'kysely';
import type { RoutesTable } from '../../store/database.js';

/** A stored route as the API shows it: `definition` is exactly what was declared, ready to `PUT` back. */
export function routeView(row: Selectable<RoutesTable>): Record<string, unknown> {
  return {
    id: row.id,
    origin: row.origin,
    enabled: row.enabled === 1,
    created_at: new Date(Number(row.created_at)).toISOString(),
    updated_at: new Date(Number(row.updated_at)).toISOString(),
    definition: JSON.parse(row.definition) as unknown,
  };
}
