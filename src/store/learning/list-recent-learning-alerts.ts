import { Value } from 'typebox/value';
import { PastAlertSchema, type PastAlert } from '../../agents/alert-schema.js';
import type { Db } from '../database.js';

/**
 * The alerts of the most recent learning_data rows, newest first (ties by id, so the order is
 * total), each with the root cause recorded for it. `alertType` is matched case-insensitively.
 * A row whose alert no longer parses as one is skipped rather than failing the caller's step.
 */
export async function listRecentLearningAlerts(db: Db, args: { readonly alertType?: string; readonly limit: number }): Promise<PastAlert[]> {
  let query = db.selectFrom('learning_data').select(['input_data', 'root_cause']);
  const alertType = args.alertType?.trim().toLowerCase();
  if (alertType !== undefined && alertType !== '') query = query.where('alert_type', '=', alertType);
  const rows = await query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(Math.max(0, Math.floor(args.limit))).execute();
  return rows.flatMap((row) => {
    const alert = parseAlert(row.input_data);
    if (alert === undefined) return [];
    return [row.root_cause === null ? alert : { ...alert, root_cause: row.root_cause }];
  });
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
