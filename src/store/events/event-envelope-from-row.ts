import type { Selectable } from 'kysely';
import type { EventEnvelope } from '../../core/event-envelope.js';
import type { EventsTable } from '../database.js';

/** The stored event as the envelope runs and views work with: data parsed, extensions as a map. */
export function eventEnvelopeFromRow(row: Pick<Selectable<EventsTable>, 'id' | 'source' | 'type' | 'subject' | 'time' | 'datacontenttype' | 'data' | 'data_base64' | 'extensions'>): EventEnvelope {
  return {
    specversion: '1.0',
    id: row.id,
    source: row.source,
    type: row.type,
    ...(row.subject === null ? {} : { subject: row.subject }),
    time: row.time,
    datacontenttype: row.datacontenttype,
    ...(row.data === null ? {} : { data: JSON.parse(row.data) as unknown }),
    ...(row.data_base64 === null ? {} : { data_base64: row.data_base64 }),
    extensions: JSON.parse(row.extensions) as Record<string, string>,
  };
}
