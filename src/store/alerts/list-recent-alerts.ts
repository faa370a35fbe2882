import type { Selectable } from 'kysely';
import type { AlertsTable, Db } from '../database.js';

/** The most recently received alerts, newest first. */
export function listRecentAlerts(db: Db, limit: number): Promise<Selectable<AlertsTable>[]> {
  return db.selectFrom('alerts').selectAll().orderBy('created_at', 'desc').orderBy('alert_id', 'desc').limit(limit).execute();
}
