import type { DeliveryStatus } from '../database.js';

/** Which deliveries a list or a bulk retry covers; every field narrows. */
export interface DeliveryFilter {
  readonly userId?: string | undefined;
  readonly status?: DeliveryStatus | undefined;
  readonly integrationType?: string | undefined;
  readonly notificationId?: string | undefined;
  /** Created at or after this time (epoch ms). */
  readonly createdFromMs?: number | undefined;
  /** Created before this time (epoch ms). */
  readonly createdBeforeMs?: number | undefined;
}
