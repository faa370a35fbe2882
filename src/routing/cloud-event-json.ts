import type { EventEnvelope } from '../core/event-envelope.js';

/**
 * An envelope in the CloudEvents JSON format (`{specversion, id, source, type, time, datacontenttype,
 * data, ...extensions}`): what `match.filter` and a run's `event` see. Extensions are top-level
 * attributes, as the format says; they never replace a core attribute.
 */
export function cloudEventJson(envelope: EventEnvelope): Record<string, unknown> {
  return {
    ...envelope.extensions,
    specversion: envelope.specversion,
    id: envelope.id,
    source: envelope.source,
    type: envelope.type,
    ...(envelope.subject === undefined ? {} : { subject: envelope.subject }),
    time: envelope.time,
    datacontenttype: envelope.datacontenttype,
    ...(envelope.data_base64 !== undefined ? { data_base64: envelope.data_base64 } : envelope.data === undefined ? {} : { data: envelope.data }),
  };
}
