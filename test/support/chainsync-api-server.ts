import { isMainModule, runStandInFromCommandLine, startJsonApiStandIn, type JsonApiStandIn } from './json-api-stand-in.js';

/** One status update the stand-in accepted. */
export interface StandInAlertStatus {
  readonly alert_id: string;
  readonly status: string;
  readonly meeting_url: string | null;
  readonly notes: string | null;
  readonly updated_at: string;
}

export interface ChainSyncApiServerOptions {
  /** Default `chainsync-test-key`. */
  readonly apiKey?: string;
  /** Default 0 (a free port); a fixed port for an examples runner. */
  readonly port?: number;
  /** Default `127.0.0.1`. */
  readonly host?: string;
}

export interface ChainSyncApiServer extends JsonApiStandIn {
  /** Each alert's latest status. */
  readonly alerts: ReadonlyMap<string, StandInAlertStatus>;
  /** Every accepted update, in order (a replayed Idempotency-Key adds none). */
  readonly updates: readonly StandInAlertStatus[];
}

/**
 * A local stand-in for ChainSync's alerts API (the contract Switchboard's `chainsync.*` actions
 * speak; ChainSync's own API is not public). Auth: `Authorization: Bearer <key>` or
 * `X-API-Key: <key>`, else 401. Errors are `{error: {code, message}}`.
 * - `PUT /alerts/{alert_id}/status` `{alert_id?, status, meeting_url?, notes?}` → 200 the update
 *   echoed: `{alert_id, status, meeting_url, notes, updated_at}` (null for absent fields); 422
 *   `validation_failed` when `status` is not a non-empty string, `meeting_url` or `notes` not a
 *   string, or the body's `alert_id` differs from the path's. Any alert id is accepted.
 * - `GET /alerts/{alert_id}/status` → 200 the latest update; 404 `alert_not_found`.
 * Repeating a PUT with the same `Idempotency-Key` gets the first answer and records nothing;
 * faults (`down`, `failNext`, `rateLimit`, `hang`) are those of `startJsonApiStandIn`. Run it as a
 * process with `tsx test/support/chainsync-api-server.ts --port 9102`.
 */
export async function startChainSyncApiServer(options: ChainSyncApiServerOptions = {}): Promise<ChainSyncApiServer> {
  const alerts = new Map<string, StandInAlertStatus>();
  const updates: StandInAlertStatus[] = [];
  const standIn = await startJsonApiStandIn({
    name: 'chainsync stand-in',
    apiKey: options.apiKey ?? 'chainsync-test-key',
    port: options.port,
    host: options.host,
    route(request) {
      const match = /^\/alerts\/([^/]+)\/status$/.exec(request.path);
      if (match === null) return { status: 404, body: errorBody('not_found', `no route ${request.method} ${request.path}`) };
      const alertId = decodeURIComponent(match[1] ?? '');
      if (request.method === 'GET') {
        const latest = alerts.get(alertId);
        return latest === undefined ? { status: 404, body: errorBody('alert_not_found', `no status for alert ${alertId}`) } : { status: 200, body: latest };
      }
      if (request.method !== 'PUT') return { status: 405, body: errorBody('method_not_allowed', 'method not allowed') };
      const update = readUpdate(alertId, request.body);
      if (typeof update === 'string') return { status: 422, body: errorBody('validation_failed', update) };
      alerts.set(alertId, update);
      updates.push(update);
      return { status: 200, body: update };
    },
  });
  return { ...standIn, alerts, updates };
}

function readUpdate(alertId: string, body: unknown): StandInAlertStatus | string {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return 'the body must be a JSON object';
  const fields = body as Record<string, unknown>;
  if (fields.alert_id !== undefined && fields.alert_id !== alertId) return `alert_id ${JSON.stringify(fields.alert_id)} differs from the path's ${alertId}`;
  if (typeof fields.status !== 'string' || fields.status === '') return 'status must be a non-empty string';
  for (const name of ['meeting_url', 'notes']) if (fields[name] !== undefined && fields[name] !== null && typeof fields[name] !== 'string') return `${name} must be a string`;
  return {
    alert_id: alertId,
    status: fields.status,
    meeting_url: typeof fields.meeting_url === 'string' ? fields.meeting_url : null,
    notes: typeof fields.notes === 'string' ? fields.notes : null,
    updated_at: new Date().toISOString(),
  };
}

const errorBody = (code: string, message: string) => ({ error: { code, message } });

if (isMainModule(import.meta.url)) await runStandInFromCommandLine('chainsync', startChainSyncApiServer);
