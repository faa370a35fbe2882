/** The job queue that sends deliveries: one job per delivery attempt schedule. */
export const DELIVERIES_QUEUE = 'deliveries';

/** A deliveries job's payload. */
export interface DeliveryJobPayload {
  readonly delivery_id: string;
}

/**
 * A delivery job's max_attempts. The handler settles every attempt itself (its delivery's own
 * budget, from the effective retry_count, decides retries, and its expiry bounds its life), so the
 * job's count only bounds claims of a job whose worker keeps dying mid-send. Every claim counts,
 * holds behind an open breaker too (one a minute at the default half-open delay), so the bound sits
 * far beyond any expiry: a job buried early would leave its delivery PENDING for good.
 */
export const DELIVERY_JOB_MAX_CLAIMS = 1_000_000;
