import type { ChannelRegistry } from './channels/channel-registry.js';
import type { DestinationBreakers } from './dispatch/destination-breakers.js';
import type { NotificationRequest } from './notifications/notification-request.js';
import type { NotificationResult } from './notifications/create-notification.js';
import type { IntegrationDefaults } from './preferences/integration-defaults.js';

/** What the delivery API needs from the dispatcher, built once by main. */
export interface DeliveryServices {
  readonly defaults: IntegrationDefaults;
  readonly registry: ChannelRegistry;
  readonly breakers: DestinationBreakers;
  /** A delivery not sent this long after creation (or after a manual retry) expires. */
  readonly expireAfterMs: number;
  notify(request: NotificationRequest): Promise<NotificationResult>;
  /** Checks a user-given URL before it is stored. */
  checkUrl(url: string): { readonly ok: true } | { readonly ok: false; readonly message: string };
  /** This process changed a user's overrides or profile: plan their next notification from the store. */
  recipientChanged(userId: string): void;
  /** Wakes the delivery workers after deliveries were (re)enqueued outside the dispatcher. */
  wake(): void;
}
