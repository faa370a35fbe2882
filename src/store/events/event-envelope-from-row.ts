import type { Selectable } from 'kysely';
import type { EventEnvelope } from '../../core/event-envelope.js';
import type { EventsTable } from '../database.js';

type EnvelopeColumns = Pick<Selectable<EventsTable>, 'id' | 'source' | 'type' | 'subject' | 'time' | 'datacontenttype' | 'data' | 'data_base64' | 'extensions'>;

/**
 * The envelope of an event row whose data and extensions are already parsed (ingest has them from
 * the body it just parsed, so they are not parsed twice). `data` is ignored for raw bytes.
 */
export function eventEnvelopeFromParts(row: Omit<EnvelopeColumns, 'data' | 'extensions'>, data: unknown, extensions: Readonly<Record<string, string>>): EventEnvelope {
  return {
    specversion: '1.0',
    id: row.id,
    source: row.source,
    type: row.type,
    ...(row.subject === null ? {} : { subject: row.subject }),
    time: row.time,
    datacontenttype: row.datacontenttype,
    ...(row.data_base64 === null ? (data === undefined ? {} : { data }) : { data_base64: row.data_base64 }),
    extensions,
  };
}

/** The stored event as the envelope runs and views work with: data parsed, extensions as a map. */
export function eventEnvelopeFromRow(row: EnvelopeColumns): EventEnvelope {
  return eventEnvelopeFromParts(row, row.data === null ? undefined : (JSON.parse(row.data) as unknown), JSON.parse(row.extensions) as Record<string, string>);
}
