import type { Selectable } from 'kysely';
import { cloudEventJson } from '../../routing/cloud-event-json.js';
import type { EventsRoutingColumn, EventsTable } from '../../store/database.js';
import { eventEnvelopeFromRow } from '../../store/events/event-envelope-from-row.js';

/**
 * A stored event in the CloudEvents JSON format (structured mode): the context attributes, `data`
 * (or `data_base64` for raw bytes), each extension attribute at the top level, and `routed`.
 */
export function eventView(row: Selectable<EventsTable & EventsRoutingColumn>): Record<string, unknown> {
  return {
    ...cloudEventJson(eventEnvelopeFromRow(row)),
    // Switchboard's own extension attribute (a CloudEvents Boolean): false when no route matched the event.
    routed: Number(row.routed) === 1,
  };
}
