/** Why a run or a step failed, as stored (JSON) in runs.error and run_steps.error. */
export interface RunError {
  readonly code: string;
  readonly message: string;
}
