import { Value } from 'typebox/value';
import { PastAlertSchema, type PastAlert } from '../../agents/alert-schema.js';
import type { Db } from '../database.js';

/**
 * The most recently recorded alerts, newest first (ties by id, so the order is total), each once:
 * an alert processed several times (learning_data holds a row per run) is read from its latest
 * row, with the root cause recorded there, so a repeat never counts twice as evidence. Alerts
 * without an `alert_id` cannot be told apart and count once per row. `limit` counts alerts, not
 * rows. `alertType` is matched case-insensitively. A latest row whose alert no longer parses as
 * one is skipped (its alert with it) rather than failing the caller's step.
 */
export async function listRecentLearningAlerts(db: Db, args: { readonly alertType?: string; readonly limit: number }): Promise<PastAlert[]> {
  const limit = Math.max(0, Math.floor(args.limit));
  const alertType = args.alertType?.trim().toLowerCase();
  // Pages of the newest rows (one index range), read until `limit` distinct alerts are found.
  const pageSize = Math.max(2 * limit, 20);
  const seen = new Set<string>();
  const alerts: PastAlert[] = [];
  let after: { readonly created_at: number; readonly id: string } | undefined;
  while (alerts.length < limit) {
    let query = db.selectFrom('learning_data').select(['id', 'alert_id', 'input_data', 'root_cause', 'created_at']);
    if (alertType !== undefined && alertType !== '') query = query.where('alert_type', '=', alertType);
    const cursor = after;
    if (cursor !== undefined) {
      query = query.where((eb) => eb.or([eb('created_at', '<', cursor.created_at), eb.and([eb('created_at', '=', cursor.created_at), eb('id', '<', cursor.id)])]));
    }
    const rows = await query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(pageSize).execute();
    for (const row of rows) {
      const key = row.alert_id === null ? `row:${row.id}` : `alert:${row.alert_id}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const alert = parseAlert(row.input_data);
      if (alert !== undefined) alerts.push(row.root_cause === null ? alert : { ...alert, root_cause: row.root_cause });
      if (alerts.length === limit) break;
    }
    const last = rows.at(-1);
    if (rows.length < pageSize || last === undefined) break;
    after = { created_at: Number(last.created_at), id: last.id };
  }
  return alerts;
}

function parseAlert(text: string): PastAlert | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  return Value.Check(PastAlertSchema, value) ? value : undefined;
}
