import type { ActionsConfig } from '../../config/actions-config-schema.js';
import type { AnyAction } from '../action.js';
import type { JsonService } from '../service-client/call-json-service.js';
import { createCalendlyService } from './calendly-service.js';
import { createSchedulingLinkAction, type CalendlyCredentials } from './create-scheduling-link-action.js';

export { checkCalendlyHealth, type CalendlyHealth } from './check-calendly-health.js';
export type { CalendlyCredentials } from './create-scheduling-link-action.js';

export interface CalendlyActionsOptions {
  readonly settings: ActionsConfig['calendly'];
  /** The user's own Calendly settings, or undefined when they have none (then `settings.access_token` is used). */
  readonly credentials: (userId: string) => Promise<CalendlyCredentials | undefined>;
  /** Called once per link actually created (not for fallback links), e.g. to count `links_created`. */
  readonly recordLink?: (userId: string) => Promise<void>;
  /**
   * The Calendly service (`createCalendlyService`), created without credentials: each call sends
   * the user's token. Default: one made from `settings`, whose pool lives as long as the process;
   * pass one to close it yourself.
   */
  readonly service?: JsonService;
}

/** The Calendly actions: `calendly.create_scheduling_link`. */
export function createCalendlyActions(options: CalendlyActionsOptions): AnyAction[] {
  const service = options.service ?? createCalendlyService(options.settings);
  return [createSchedulingLinkAction({ settings: options.settings, service, credentials: options.credentials, recordLink: options.recordLink })];
}
