import type { Insertable, Selectable } from 'kysely';
import type { AlertsTable, Db } from '../database.js';

/**
 * Records an alert's analysis. A known alert keeps its meeting and its status once it has a
 * meeting (a repeated alert does not reset it); its analysis fields are refreshed.
 */
export async function upsertAlert(db: Db, row: Insertable<AlertsTable>): Promise<Selectable<AlertsTable>> {
  return db
    .insertInto('alerts')
    .values(row)
    .onConflict((oc) =>
      oc.column('alert_id').doUpdateSet((eb) => ({
        alert_type: eb.ref('excluded.alert_type'),
        severity: eb.ref('excluded.severity'),
        description: eb.ref('excluded.description'),
        affected_systems: eb.ref('excluded.affected_systems'),
        detected_at: eb.ref('excluded.detected_at'),
        urgency_level: eb.ref('excluded.urgency_level'),
        urgency_score: eb.ref('excluded.urgency_score'),
        root_cause: eb.ref('excluded.root_cause'),
        rca: eb.ref('excluded.rca'),
        compliance_status: eb.ref('excluded.compliance_status'),
        compliance: eb.ref('excluded.compliance'),
        updated_at: eb.ref('excluded.updated_at'),
      })),
    )
    .returningAll()
    .executeTakeFirstOrThrow();
}
