import type { Selectable } from 'kysely';
import type { JobsTable } from '../../store/database.js';

/** A dead job as the dead-letter API shows it. */
export function deadLetterView(row: Selectable<JobsTable>): Record<string, unknown> {
  return {
    id: row.id,
    queue: row.queue,
    payload: JSON.parse(row.payload) as unknown,
    attempts: Number(row.attempts),
    max_attempts: Number(row.max_attempts),
    error: row.last_error === null ? null : (JSON.parse(row.last_error) as unknown),
    created_at: new Date(Number(row.created_at)).toISOString(),
    died_at: row.finished_at === null ? null : new Date(Number(row.finished_at)).toISOString(),
  };
}
