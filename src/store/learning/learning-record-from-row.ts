import type { Selectable } from 'kysely';
import type { LearningRecord } from '../../agents/agent.js';
import type { PastAlert } from '../../agents/alert-schema.js';
import type { LearningDataTable } from '../database.js';

/** A learning_data row as the agents see it. Throws when a JSON column is not what the insert wrote (a corrupt row). */
export function learningRecordFromRow(row: Selectable<LearningDataTable>): LearningRecord {
  const alert = parseJson(row, 'input_data');
  const context = parseJson(row, 'context_data');
  const patterns = parseJson(row, 'patterns_identified');
  if (!isObject(alert) || !isObject(context) || !Array.isArray(patterns)) throw new Error(`learning_data row ${row.id} holds malformed JSON columns`);
  return {
    id: row.id,
    idempotencyKey: row.idempotency_key,
    agentName: row.agent_name,
    interactionType: row.interaction_type,
    alert: alert as PastAlert,
    context,
    patterns,
    recordedAtMs: row.created_at,
  };
}

function parseJson(row: Selectable<LearningDataTable>, column: 'input_data' | 'context_data' | 'patterns_identified'): unknown {
  try {
    return JSON.parse(row[column]) as unknown;
  } catch (error) {
    throw new Error(`learning_data row ${row.id}: ${column} is not JSON`, { cause: error });
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
