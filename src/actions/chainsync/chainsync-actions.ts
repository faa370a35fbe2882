import { Type, type Static } from 'typebox';
import type { ActionsConfig } from '../../config/actions-config-schema.js';
import type { Action, AnyAction } from '../action.js';
import type { JsonService } from '../service-client/call-json-service.js';
import { createApiKeyService } from '../service-client/create-api-key-service.js';
import { notConfiguredError } from '../service-client/not-configured-error.js';
import { createChainSyncClient, type AlertStatusUpdated } from './chainsync-client.js';

/** `meeting_url` and `notes` may be null (an earlier step's missing value): null is left out of the request. */
export const UpdateAlertStatusInputSchema = Type.Object({
  alert_id: Type.String({ minLength: 1 }),
  status: Type.String({ minLength: 1 }),
  meeting_url: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  notes: Type.Optional(Type.Union([Type.String(), Type.Null()])),
});
export type UpdateAlertStatusInput = Static<typeof UpdateAlertStatusInputSchema>;

export const UpdateAlertStatusOutputSchema = Type.Object({
  alert_id: Type.String(),
  status: Type.String(),
  updated: Type.Literal(true),
  /** ChainSync's answer, as it sent it (absent for an empty body). */
  response: Type.Optional(Type.Unknown()),
});

export interface ChainSyncActionsOptions {
  readonly settings: ActionsConfig['chainsync'];
  /**
   * The service to call. When absent it is built from `settings` (its connection pool then lives as
   * long as the process; idle connections do not keep it alive). Pass one to own its lifecycle.
   */
  readonly service?: JsonService | undefined;
}

/**
 * The `chainsync.*` actions: `chainsync.update_alert_status`. It passes the step's idempotency key
 * to ChainSync and throws `ServiceError` on failure. Without `actions.chainsync.base_url` (and no
 * `service`), every call throws `not_configured`.
 */
export function createChainSyncActions(options: ChainSyncActionsOptions): AnyAction[] {
  const service = options.service ?? createApiKeyService('chainsync', options.settings);
  const client = service === undefined ? undefined : createChainSyncClient(service);

  const updateAlertStatus: Action<UpdateAlertStatusInput, AlertStatusUpdated> = {
    name: 'chainsync.update_alert_status',
    description: "Sets a ChainSync alert's status, with the meeting link and notes when given.",
    inputSchema: UpdateAlertStatusInputSchema,
    outputSchema: UpdateAlertStatusOutputSchema,
    async run(ctx, input) {
      if (client === undefined) throw notConfiguredError('chainsync', 'actions.chainsync.base_url', 'CHAINSYNC_API_URL');
      return client.updateAlertStatus(
        { alert_id: input.alert_id, status: input.status, meeting_url: input.meeting_url ?? undefined, notes: input.notes ?? undefined },
        { idempotencyKey: ctx.idempotencyKey },
      );
    },
  };
  return [updateAlertStatus];
}
