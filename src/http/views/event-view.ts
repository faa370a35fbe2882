import type { Selectable } from 'kysely';
import type { EventsRoutingColumn, EventsTable } from '../../store/database.js';

/**
 * A stored event in the CloudEvents JSON format (structured mode): the context attributes, `data`
 * (or `data_base64` for raw bytes), each extension attribute at the top level, and `routed`.
 */
export function eventView(row: Selectable<EventsTable & EventsRoutingColumn>): Record<string, unknown> {
  const extensions = JSON.parse(row.extensions) as Record<string, string>;
  return {
    // Extensions first, so no extension can shadow a context attribute.
    ...extensions,
    specversion: '1.0',
    id: row.id,
    source: row.source,
    type: row.type,
    ...(row.subject === null ? {} : { subject: row.subject }),
    time: row.time,
    datacontenttype: row.datacontenttype,
    ...(row.data === null ? {} : { data: JSON.parse(row.data) as unknown }),
    ...(row.data_base64 === null ? {} : { data_base64: row.data_base64 }),
    // Switchboard's own extension attribute (a CloudEvents Boolean): false when no route matched the event.
    routed: Number(row.routed) === 1,
  };
}
