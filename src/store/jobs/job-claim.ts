/**
 * Which claim of a job a worker holds: the job, the worker and the attempt it claimed. Completing,
 * failing or extending succeeds only while the row is still running under this same claim, so a
 * worker whose lease expired and was taken over cannot overwrite the new holder's result.
 */
export interface JobClaim {
  readonly id: string;
  readonly workerId: string;
  readonly attempt: number;
}
