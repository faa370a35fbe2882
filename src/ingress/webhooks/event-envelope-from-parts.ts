import type { EventEnvelope } from '../../core/event-envelope.js';
import type { EventsTable } from '../../store/database.js';

/** The envelope of an event about to be committed, from its row and the already parsed data (no second JSON.parse). */
export function eventEnvelopeFromParts(row: EventsTable, data: unknown, extensions: Readonly<Record<string, string>>): EventEnvelope {
  return {
    specversion: '1.0',
    id: row.id,
    source: row.source,
    type: row.type,
    ...(row.subject === null ? {} : { subject: row.subject }),
    time: row.time,
    datacontenttype: row.datacontenttype,
    ...(row.data_base64 === null ? { data } : { data_base64: row.data_base64 }),
    extensions,
  };
}
