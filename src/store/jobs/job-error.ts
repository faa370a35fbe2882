/** Why a job attempt failed, as stored in jobs.last_error (JSON) and jobs.last_error_code. */
export interface JobError {
  readonly code: string;
  readonly message: string;
}
