import type { JobsTable, RunsTable } from '../database.js';

/**
 * The rows that start one run: the run itself and the job that executes it. Both are written in the
 * transaction that commits the run's event (the transactional outbox), and only when that event is
 * new: a duplicate delivery starts nothing.
 */
export interface RunStartRows {
  readonly run: RunsTable;
  readonly job: JobsTable;
}
