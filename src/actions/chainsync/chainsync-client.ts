import { callJsonService, type JsonService } from '../service-client/call-json-service.js';

/** The seed's `update_alert_status(alert_id, status, meeting_url, notes)`. */
export interface AlertStatusUpdate {
  readonly alert_id: string;
  /** E.g. `meeting_scheduled`, `acknowledged`, `resolved`: ChainSync's own words. */
  readonly status: string;
  readonly meeting_url?: string | undefined;
  readonly notes?: string | undefined;
}

/** What ChainSync accepted, with its answer's body when it sent one. */
export interface AlertStatusUpdated {
  readonly alert_id: string;
  readonly status: string;
  readonly updated: true;
  readonly response?: unknown;
}

/** Per call: the run step's idempotency key (sent as `Idempotency-Key`) and an optional abort signal. */
export interface ChainSyncCall {
  readonly idempotencyKey: string;
  readonly signal?: AbortSignal | undefined;
}

/** ChainSync's alerts API (the contract is documented on test/support/chainsync-api-server.ts). Methods throw `ServiceError`. */
export interface ChainSyncClient {
  /** `PUT /alerts/{alert_id}/status` with `{alert_id, status, meeting_url?, notes?}`; any 2xx is success. */
  updateAlertStatus(update: AlertStatusUpdate, call: ChainSyncCall): Promise<AlertStatusUpdated>;
}

/** A ChainSync client over `service` (built with `createApiKeyService('chainsync', settings)` or given by a test). */
export function createChainSyncClient(service: JsonService): ChainSyncClient {
  return {
    async updateAlertStatus(update, call) {
      const body = {
        alert_id: update.alert_id,
        status: update.status,
        ...(update.meeting_url === undefined ? {} : { meeting_url: update.meeting_url }),
        ...(update.notes === undefined ? {} : { notes: update.notes }),
      };
      const response = await callJsonService(service, {
        method: 'PUT',
        path: `/alerts/${encodeURIComponent(update.alert_id)}/status`,
        body,
        idempotencyKey: call.idempotencyKey,
        signal: call.signal,
      });
      return { alert_id: update.alert_id, status: update.status, updated: true, ...(response.body === undefined ? {} : { response: response.body }) };
    },
  };
}
