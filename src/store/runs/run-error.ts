/** Why a run or a step failed, as stored (JSON) in runs.error and run_steps.error. */
export interface RunError {
  readonly code: string;
  readonly message: string;
  /** The step that failed, on a run's error. */
  readonly step?: string;
}
