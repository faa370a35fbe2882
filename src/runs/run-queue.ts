/** The queue whose jobs execute runs; a job's payload is `{run_id}` and its dedupe key is the run id. */
export const RUNS_QUEUE = 'runs';

/** A run job's payload. */
export interface RunJobPayload {
  readonly run_id: string;
}
