import type { LearningEntry, LearningRecord } from '../../agents/agent.js';
import { newId } from '../../core/new-id.js';
import type { Db } from '../database.js';
import { learningRecordFromRow } from './learning-record-from-row.js';

export type LearningInsertOutcome = { readonly outcome: 'recorded' | 'duplicate'; readonly record: LearningRecord };

/**
 * Records one agent interaction in learning_data. One row per idempotency key: recording the key
 * again (a retried step) changes nothing and is a `duplicate` carrying the first row as stored.
 */
export async function insertLearningRecord(db: Db, entry: LearningEntry): Promise<LearningInsertOutcome> {
  const id = newId(entry.recordedAtMs);
  const alertType = entry.alert.alert_type?.trim().toLowerCase();
  const inserted = await db
    .insertInto('learning_data')
    .values({
      id,
      idempotency_key: entry.idempotencyKey,
      agent_name: entry.agentName,
      interaction_type: entry.interactionType,
      alert_id: entry.alert.alert_id ?? null,
      alert_type: alertType === undefined || alertType === '' ? null : alertType,
      root_cause: entry.alert.root_cause ?? null,
      input_data: JSON.stringify(entry.alert),
      context_data: JSON.stringify(entry.context),
      patterns_identified: JSON.stringify(entry.patterns),
      created_at: entry.recordedAtMs,
    })
    .onConflict((oc) => oc.column('idempotency_key').doNothing())
    .returning('id')
    .executeTakeFirst();
  if (inserted !== undefined) return { outcome: 'recorded', record: { ...entry, id } };
  const existing = await db.selectFrom('learning_data').selectAll().where('idempotency_key', '=', entry.idempotencyKey).executeTakeFirstOrThrow();
  return { outcome: 'duplicate', record: learningRecordFromRow(existing) };
}
