/** The job queue that sends deliveries: one job per delivery attempt schedule. */
export const DELIVERIES_QUEUE = 'deliveries';

/** A deliveries job's payload. */
export interface DeliveryJobPayload {
  readonly delivery_id: string;
}

/**
 * A delivery job's max_attempts. The handler settles every attempt itself (its delivery's own
 * budget, from the effective retry_count, decides retries), so the job's count only bounds claims of
 * a job whose worker keeps dying mid-send.
 */
export const DELIVERY_JOB_MAX_CLAIMS = 1_000;
